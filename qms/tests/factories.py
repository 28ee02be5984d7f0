import factory
from django.contrib.auth.models import Group

from qms.models import Unit, User
from qms.roles import Role


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Phòng Nghiệp vụ {n}")
    code = factory.Sequence(lambda n: f"P{n}")
    order = factory.Sequence(int)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Người {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.vn")
    job_title = "Chuyên viên"
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password("Mật-khẩu-thử-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=Role(role).value) for role in extracted])
