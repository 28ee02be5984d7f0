import pytest
from django.test import override_settings

from qms.bench import Bench

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF="qms.bench_urls")
def test_the_bench_measures_a_page_against_floor_and_bare_with_its_query_count(client, secretary):
    client.force_login(secretary)
    assert client.get("/bench/bare/").content == b"ok"
    assert client.get("/bench/floor/").status_code == 200
    bench = Bench()
    ms = bench.versus_floor(client, "/corrective-actions/", "the ticket list", repeat=1)
    label, recorded, queries, note = bench.results[0]
    assert label == "the ticket list" and recorded == ms > 0
    assert queries > 0 and "× FLOOR" in note and "BARE" in note
