import pytest

from qms.services import audit_record


@pytest.mark.django_db
def test_the_audit_trail_shows_state_names_not_codes(secretary):
    from qms.services import audit_trail
    from reviews.models import ReviewStatus
    from reviews.tests.factories import ReviewFactory

    review = ReviewFactory(created_by=secretary)
    audit_record(target=review, actor=secretary, action="Trình", from_state="draft", to_state="pending")
    [entry] = audit_trail(review)
    assert (entry.from_label, entry.to_label) == (str(ReviewStatus.DRAFT.label), str(ReviewStatus.PENDING_APPROVAL.label))
