"""Each usage backend against a loopback server speaking its documented shapes."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from aistack.errors import AistackError
from aistack.profile import load
from aistack.usage import periods, service
from aistack.usage.http import HttpConfig
from aistack.usage.registry import BACKENDS
from aistack.usage.summary import summarise
from support import REPO
from support.http import TOKEN, Reply
from support.usage import aistack_app, cf_row, cloudflare_app, jwt, litellm_app, metrics, openrouter_app, write_profile

pytestmark = pytest.mark.peer
FAST = HttpConfig(timeout=2, retries=2, backoff=0.5, time_scale=0.001, workers=3)


def collect(tmp_path, kind, url, period, options=None, token=TOKEN, **kw):
    source = service.source_from(load(str(write_profile(tmp_path, kind, url, options))))
    return service.collect(source, period, token, http_config=FAST, **kw)


def test_every_backend_module_has_the_protocol_functions():
    assert set(BACKENDS) == {"litellm", "cloudflare", "openrouter", "aistack"}
    for module in BACKENDS.values():
        assert callable(module.check_options) and callable(module.fetch)


# ---- LiteLLM ---------------------------------------------------------------------------------------

def litellm_records(days: int, start: date, models=("claude-sonnet-4-5", "gpt-5", "gemini-2.5-pro", "o3")):
    recs = []
    for i in range(days):
        d = (start + timedelta(days=i)).isoformat()
        for j, m in enumerate(models):
            recs.append((d, m, metrics(1000 * (i + 1) + 10 * j, 100 + j, 300, 50, 2 + j, round(0.25 * (j + 1), 2))))
    return recs


def test_litellm_pages_are_each_fetched_once_and_summed_exactly(tmp_path, serve):
    recs = litellm_records(10, date(2026, 11, 1))
    srv = serve(litellm_app(recs, key_info={"max_budget": 100.0, "spend": 12.5, "budget_duration": "30d",
                                            "budget_reset_at": "2026-12-01T00:00:00Z"}))
    period = periods.resolve("2026-11-01", "2026-11-10", "UTC")
    result = collect(tmp_path, "litellm", srv.url, period, {"page_size": 7})
    pages = [int(s.one("page")) for s in srv.hits("/user/daily/activity")]
    assert sorted(pages) == list(range(1, 7)) == sorted(set(pages))  # 40 records / 7 = 6 pages, once each
    assert {s.one("user_id") for s in srv.hits("/user/daily/activity")} == {"alice"}
    s = summarise(result.fetched.buckets, period)
    assert s.totals.requests == sum(r[2]["api_requests"] for r in recs)
    assert s.totals.cost == pytest.approx(sum(r[2]["spend"] for r in recs))
    # Input is prompt tokens minus cache reads and writes (LiteLLM counts them inside prompt_tokens).
    assert s.totals.input_tokens == sum(r[2]["prompt_tokens"] - 350 for r in recs)
    assert s.totals.cache_read_tokens == 300 * len(recs)
    assert result.fetched.utc_days and not result.fetched.partial
    b = result.fetched.budget
    assert (b.limit, b.spend, b.period, b.resets_at.day) == (100.0, 12.5, "30d", 1)


def test_litellm_unpriced_model_is_na_never_zero(tmp_path, serve):
    recs = [("2026-11-02", "local-llama", metrics(500, 50, 0, 0, 3, 0.0)),
            ("2026-11-02", "gpt-5", metrics(500, 50, 0, 0, 1, 0.02))]
    srv = serve(litellm_app(recs))
    period = periods.resolve("2026-11-01", "2026-11-03", "UTC")
    s = summarise(collect(tmp_path, "litellm", srv.url, period).fetched.buckets, period)
    per_model = dict(s.models)
    assert per_model["local-llama"].cost is None
    assert per_model["gpt-5"].cost == pytest.approx(0.02)
    assert s.totals.cost == pytest.approx(0.02) and not s.totals.cost_complete


def test_litellm_failed_page_is_reported_as_partial(tmp_path, serve):
    srv = serve(litellm_app(litellm_records(10, date(2026, 11, 1))))
    srv.fail("/user/daily/activity", *[Reply(500, {"error": "db down"})] * 3, page=3)
    period = periods.resolve("2026-11-01", "2026-11-10", "UTC")
    f = collect(tmp_path, "litellm", srv.url, period, {"page_size": 7}).fetched
    assert f.partial and any("page 3 of 6" in n for n in f.notes)
    assert f.pages == 5


def test_litellm_without_daily_activity_says_so(tmp_path, serve):
    srv = serve(lambda seen: Reply(404, {"detail": "Not Found"}))
    period = periods.resolve("7d", None, "UTC")
    with pytest.raises(AistackError, match="does not offer daily activity"):
        collect(tmp_path, "litellm", srv.url, period)


def test_litellm_empty_range(tmp_path, serve):
    srv = serve(litellm_app([]))
    period = periods.resolve("7d", None, "UTC")
    f = collect(tmp_path, "litellm", srv.url, period).fetched
    s = summarise(f.buckets, period)
    assert s.lines == [] and s.totals.total_tokens == 0 and s.totals.cost == 0 and not f.partial
    assert len(s.daily) == 7


def test_litellm_budget_from_user_info_when_the_key_has_none(tmp_path, serve):
    srv = serve(litellm_app([], user_info={"spend": 3.0, "max_budget": 20.0, "budget_duration": "1mo"}))
    f = collect(tmp_path, "litellm", srv.url, periods.resolve("7d", None, "UTC")).fetched
    assert (f.budget.limit, f.budget.spend, f.budget.source) == (20.0, 3.0, "/user/info")


# ---- Cloudflare ------------------------------------------------------------------------------------

CF = {"account_id": "acct", "gateway_id": "gw"}


def test_cloudflare_groups_by_local_day_across_dst(tmp_path, serve):
    """Paris leaves summer time on 2026-10-25; UTC grouping would put these rows on other days."""
    rows = [cf_row(1, "2026-10-23T21:30:00Z"),  # 23:30 on the 23rd in Paris: before the period
            cf_row(2, "2026-10-23T22:30:00Z"),  # 00:30 on the 24th (UTC+2)
            cf_row(3, "2026-10-24T22:30:00Z"),  # 00:30 on the 25th (UTC+2)
            cf_row(4, "2026-10-25T22:30:00Z"),  # 23:30 on the 25th (UTC+1 now)
            cf_row(5, "2026-10-25T23:30:00Z")]  # 00:30 on the 26th
    srv = serve(cloudflare_app(rows))
    period = periods.resolve("2026-10-24", "2026-10-26", "Europe/Paris")
    f = collect(tmp_path, "cloudflare", srv.url, period, CF).fetched
    per_day = {d: u.requests for d, u in summarise(f.buckets, period).daily}
    assert per_day == {date(2026, 10, 24): 1, date(2026, 10, 25): 2, date(2026, 10, 26): 1}
    first = srv.hits("/accounts/acct/ai-gateway/gateways/gw/logs")[0]
    assert (first.one("start_date"), first.one("end_date")) == ("2026-10-23T22:00:00Z", "2026-10-26T23:00:00Z")
    assert not f.utc_days and not f.has_cache_tokens


def test_cloudflare_pagination_counts_every_row_once(tmp_path, serve):
    rows = [cf_row(i, f"2026-11-{1 + i % 9:02d}T{i % 24:02d}:{i % 60:02d}:00Z", model=f"m{i % 3}",
                   tokens_in=i, tokens_out=1, cost=0.01) for i in range(1037)]
    srv = serve(cloudflare_app(rows))
    period = periods.resolve("2026-11-01", "2026-11-09", "UTC")
    f = collect(tmp_path, "cloudflare", srv.url, period, CF).fetched
    pages = [int(s.one("page")) for s in srv.seen]
    assert sorted(pages) == list(range(1, 22)) and f.pages == 21
    s = summarise(f.buckets, period)
    assert (s.totals.requests, s.totals.input_tokens) == (1037, sum(range(1037)))
    assert s.totals.cost == pytest.approx(10.37) and not f.partial


def test_cloudflare_row_repeated_on_next_page_is_counted_once(tmp_path, serve):
    rows = [cf_row(i, f"2026-11-02T10:{i:02d}:00Z") for i in range(4)]
    pages = {"1": rows[:2], "2": [rows[1], rows[2]], "3": [rows[3]]}  # a row inserted before page 2 shifted it

    def app(seen):
        return Reply(200, {"success": True, "result": pages[seen.one("page")],
                           "result_info": {"page": int(seen.one("page")), "per_page": 2, "count": 2,
                                           "total_count": 5, "total_pages": 3}})

    srv = serve(app)
    period = periods.resolve("2026-11-02", "2026-11-02", "UTC")
    f = collect(tmp_path, "cloudflare", srv.url, period, {**CF, "per_page": 2}).fetched
    assert summarise(f.buckets, period).totals.requests == 4
    assert any("counted once" in n for n in f.notes)


def test_cloudflare_filters_to_my_metadata_even_if_the_server_does_not(tmp_path, serve):
    token = jwt({"sub": "alice", "iss": "https://login.example.com"})
    rows = [cf_row(1, "2026-11-02T10:00:00Z", user="alice"), cf_row(2, "2026-11-02T11:00:00Z", user="bob"),
            cf_row(3, "2026-11-02T12:00:00Z", user="alice", cost=None, model="mystery-model")]
    srv = serve(cloudflare_app(rows, honour_filter=False), token=token)
    period = periods.resolve("2026-11-02", "2026-11-02", "UTC")
    f = collect(tmp_path, "cloudflare", srv.url, period, {**CF, "metadata_key": "user"}, token=token).fetched
    s = summarise(f.buckets, period)
    assert s.totals.requests == 2
    assert dict(s.models)["mystery-model"].cost is None  # unknown cost is n/a, not $0
    assert any("do not carry" in n for n in f.notes)
    assert srv.seen[0].one("filters[0][value][0]") == "alice"


def test_cloudflare_metadata_filter_needs_the_claim(tmp_path, serve):
    srv = serve(cloudflare_app([]))
    with pytest.raises(AistackError, match="metadata_claim"):
        collect(tmp_path, "cloudflare", srv.url, periods.resolve("7d", None, "UTC"),
                {**CF, "metadata_key": "user"})


def test_cloudflare_failed_page_and_changed_count_are_partial(tmp_path, serve):
    rows = [cf_row(i, f"2026-11-02T10:{i % 60:02d}:{i // 60:02d}Z") for i in range(120)]
    srv = serve(cloudflare_app(rows))
    srv.fail("/accounts/acct/ai-gateway/gateways/gw/logs", *[Reply(503, {})] * 3, page=2)
    period = periods.resolve("2026-11-02", "2026-11-02", "UTC")
    f = collect(tmp_path, "cloudflare", srv.url, period, CF).fetched
    assert f.partial and any("page 2 of 3" in n for n in f.notes)
    assert summarise(f.buckets, period).totals.requests == 70


@pytest.mark.parametrize("options,key", [({"gateway_id": "gw"}, "account_id"),
                                         ({**CF, "per_page": 500}, "per_page"),
                                         ({**CF, "acount": "x"}, "acount"),
                                         ({**CF, "gateway_id": "a/b"}, "gateway_id")])
def test_cloudflare_options_are_validated(tmp_path, options, key):
    path = write_profile(tmp_path, "cloudflare", "https://ai.example.com", options)
    with pytest.raises(AistackError, match=f"gateway.usage_options.{key}"):
        service.source_from(load(str(path)))


# ---- OpenRouter ------------------------------------------------------------------------------------

KEY = {"label": "alice", "limit": 50.0, "limit_remaining": 38.0, "limit_reset": "monthly", "usage": 90.0,
       "usage_daily": 1.0, "usage_weekly": 5.0, "usage_monthly": 12.0, "is_free_tier": False}


def test_openrouter_activity_and_key_budget(tmp_path, serve):
    today = date.today()
    day = (today - timedelta(days=2)).isoformat()
    old = (today - timedelta(days=60)).isoformat()
    activity = [{"date": day, "model": "anthropic/claude-sonnet-4.5", "model_permaslug": "x", "endpoint_id": "e",
                 "provider_name": "Anthropic", "usage": 0.42, "byok_usage_inference": 0, "requests": 3,
                 "prompt_tokens": 1000, "completion_tokens": 200, "reasoning_tokens": 0},
                {"date": old, "model": "openai/gpt-5", "usage": 9.0, "requests": 9, "prompt_tokens": 1,
                 "completion_tokens": 1}]
    srv = serve(openrouter_app(KEY, activity))
    period = periods.resolve("7d", None, "UTC")
    f = collect(tmp_path, "openrouter", srv.url, period).fetched
    s = summarise(f.buckets, period)
    assert (s.totals.requests, s.totals.input_tokens, s.totals.cost) == (3, 1000, pytest.approx(0.42))
    assert (f.budget.spend, f.budget.limit, f.budget.period) == (12.0, 50.0, "monthly")
    assert f.budget.resets_at.day == 1 and f.utc_days


def test_openrouter_without_management_key_shows_totals_only(tmp_path, serve):
    srv = serve(openrouter_app(KEY, None))
    f = collect(tmp_path, "openrouter", srv.url + "/api/v1", periods.resolve("7d", None, "UTC")).fetched
    assert f.partial and any("management keys only" in n for n in f.notes)
    assert f.budget.limit == 50.0 and f.buckets == {}
    assert [s.path for s in srv.seen] == ["/api/v1/key", "/api/v1/activity"]


# ---- aistack usage API, checked against docs/usage-api.openapi.yaml --------------------------------------

@pytest.fixture(scope="module")
def openapi():

    from openapi_core import OpenAPI
    from ruamel.yaml import YAML

    spec = YAML(typ="safe").load((REPO / "docs" / "usage-api.openapi.yaml").read_text())
    return OpenAPI.from_dict(spec)


def spec_checker(openapi, problems: list):
    """Validate every request aistack sends and every response the server gives against the spec."""
    from openapi_core.testing import MockRequest, MockResponse

    def check(seen, reply):
        path = seen.path.removeprefix("/usage")
        request = MockRequest("https://ai.example.com", "get", "/usage" + path,
                              args={k: v[0] for k, v in seen.query.items()}, headers=dict(seen.headers))
        for what, fn in (("request", lambda: openapi.validate_request(request)),
                         ("response", lambda: openapi.validate_response(
                             request, MockResponse(json.dumps(reply.body).encode(), reply.status)))):
            try:
                fn()
            except Exception as e:
                problems.append(f"{what} {seen.path}?{seen.query}: {e!r} {getattr(e, '__cause__', '')!r}")

    return check


def api_rows(days: int, start: date):
    rows = []
    for i in range(days):
        for m, cost in (("claude-opus-4-1", 1.5), ("gpt-5", 0.3), ("in-house-coder", None)):
            rows.append({"date": (start + timedelta(days=i)).isoformat(), "model": m, "input_tokens": 1000 + i,
                         "output_tokens": 300, "cache_read_tokens": 5000, "cache_write_tokens": 200,
                         "requests": 4, "cost_usd": cost})
    return rows


def test_aistack_api_matches_its_openapi_spec(tmp_path, serve, openapi):
    problems: list[str] = []
    rows = api_rows(20, date(2026, 11, 1))
    budget = {"spend_usd": 31.2, "limit_usd": 100.0, "period": "monthly", "resets_at": "2026-12-01T00:00:00Z"}
    srv = serve(lambda seen: Reply(404, {}))
    srv.app = aistack_app(rows, budget, check=spec_checker(openapi, problems), prefix="/usage")
    period = periods.resolve("2026-11-01", "2026-11-20", "Europe/Paris")
    f = collect(tmp_path, "aistack", srv.url + "/usage", period, {"page_size": 25}).fetched
    assert problems == []
    assert sorted(int(s.one("page")) for s in srv.hits("/usage/v1/usage/daily")) == [1, 2, 3]
    s = summarise(f.buckets, period)
    assert s.totals.requests == 240 and s.totals.cost == pytest.approx(20 * 1.8)
    assert dict(s.models)["in-house-coder"].cost is None
    assert (f.budget.limit, f.budget.spend) == (100.0, 31.2) and not f.utc_days
    assert srv.hits("/usage/v1/usage/daily")[0].one("timezone") == "Europe/Paris"


def test_aistack_spec_rejects_what_aistack_must_not_accept(openapi):
    """The spec is strict enough to catch a server that reports a missing cost as 0-less garbage."""
    from openapi_core.exceptions import OpenAPIError
    from openapi_core.testing import MockRequest, MockResponse

    request = MockRequest("https://ai.example.com", "get", "/usage/v1/usage/daily",
                          args={"start": "2026-11-01", "end": "2026-11-02"}, headers={"Authorization": "Bearer t"})
    bad = {"timezone": "UTC", "page": 1, "total_pages": 1, "data": [{"date": "2026-11-01", "model": "m"}]}
    with pytest.raises(OpenAPIError):
        openapi.validate_response(request, MockResponse(json.dumps(bad).encode(), 200))
    with pytest.raises(OpenAPIError):
        openapi.validate_request(MockRequest("https://ai.example.com", "get", "/usage/v1/usage/daily",
                                             args={"start": "2026-11-01"}, headers={"Authorization": "Bearer t"}))


def test_aistack_api_utc_only_server_is_labelled(tmp_path, serve):
    srv = serve(aistack_app(api_rows(2, date(2026, 11, 1)), None, served_tz="UTC"))
    f = collect(tmp_path, "aistack", srv.url, periods.resolve("2026-11-01", "2026-11-02", "Asia/Tokyo")).fetched
    assert f.utc_days and f.budget is None


# ---- cache -----------------------------------------------------------------------------------------

def test_cache_serves_repeat_queries_and_refresh_bypasses_it(tmp_path, serve):
    srv = serve(litellm_app(litellm_records(3, date(2026, 11, 1))))
    period = periods.resolve("2026-11-01", "2026-11-03", "UTC")
    cache_dir = tmp_path / "cache"
    first = collect(tmp_path, "litellm", srv.url, period, cache_dir=cache_dir)
    again = collect(tmp_path, "litellm", srv.url, period, cache_dir=cache_dir)
    assert not first.cached and again.cached and len(srv.hits("/user/daily/activity")) == 1
    assert again.fetched.buckets == first.fetched.buckets and again.fetched.budget == first.fetched.budget
    collect(tmp_path, "litellm", srv.url, period, cache_dir=cache_dir, refresh=True)
    assert len(srv.hits("/user/daily/activity")) == 2
    other = periods.resolve("2026-11-02", "2026-11-03", "UTC")
    collect(tmp_path, "litellm", srv.url, other, cache_dir=cache_dir)
    assert len(srv.hits("/user/daily/activity")) == 3  # a different query is a different cache entry
    stale = collect(tmp_path, "litellm", srv.url, period, cache_dir=cache_dir, ttl=0)
    assert not stale.cached
    assert not any(TOKEN in p.read_text() for p in cache_dir.rglob("*.json"))


def test_partial_results_are_not_cached(tmp_path, serve):
    srv = serve(openrouter_app(KEY, None))
    period = periods.resolve("7d", None, "UTC")
    collect(tmp_path, "openrouter", srv.url, period, cache_dir=tmp_path / "c")
    assert not collect(tmp_path, "openrouter", srv.url, period, cache_dir=tmp_path / "c").cached


def test_token_goes_in_the_profiles_header(tmp_path, serve):
    srv = serve(aistack_app(api_rows(1, date(2026, 11, 1)), None), header="x-aistack-token")
    path = write_profile(tmp_path, "aistack", srv.url, token_header="x-aistack-token")
    source = service.source_from(load(str(path)))
    f = service.collect(source, periods.resolve("2026-11-01", "2026-11-01", "UTC"), TOKEN, http_config=FAST).fetched
    assert summarise(f.buckets, periods.resolve("2026-11-01", "2026-11-01", "UTC")).totals.requests == 12
    assert srv.seen[0].headers["x-aistack-token"] == TOKEN and "authorization" not in srv.seen[0].headers


@pytest.mark.parametrize("kind,body,msg", [
    ("litellm", [], "not an object"),
    ("litellm", {"results": "nope", "metadata": {}}, "without a `results` list"),
    ("cloudflare", {"success": True, "result": {"oops": 1}}, "did not answer with Cloudflare's `result` list"),
    ("aistack", {"timezone": "UTC", "page": 1, "total_pages": 1}, "without a `data` list"),
    ("openrouter", {"data": []}, "without a `data` object"),
])
def test_wrong_json_shapes_are_named(tmp_path, serve, kind, body, msg):
    def app(seen):
        if seen.path in ("/key/info", "/v1/usage/budget"):
            return Reply(404, {})
        return Reply(200, body)

    srv = serve(app)
    with pytest.raises(AistackError, match=msg):
        collect(tmp_path, kind, srv.url, periods.resolve("7d", None, "UTC"), CF if kind == "cloudflare" else None)


def test_cloudflare_429_on_a_page_is_waited_out_and_nothing_is_lost(tmp_path, serve):
    rows = [cf_row(i, f"2026-11-02T09:{i % 60:02d}:{i // 60:02d}Z") for i in range(130)]
    srv = serve(cloudflare_app(rows))
    srv.fail("/accounts/acct/ai-gateway/gateways/gw/logs",
             Reply(429, {"success": False, "errors": [{"message": "rate limited"}]}, {"Retry-After": "2"}), page=2)
    period = periods.resolve("2026-11-02", "2026-11-02", "UTC")
    f = collect(tmp_path, "cloudflare", srv.url, period, CF).fetched
    assert not f.partial and summarise(f.buckets, period).totals.requests == 130
    page2 = [s for s in srv.seen if s.one("page") == "2"]
    assert len(page2) == 2 and page2[1].at - page2[0].at >= 2 * FAST.time_scale


def test_cloudflare_without_counts_walks_pages_until_a_short_one(tmp_path, serve):
    rows = [cf_row(i, f"2026-11-02T10:{i % 60:02d}:{i // 60:02d}Z") for i in range(120)]

    def app(seen):
        page = int(seen.one("page"))
        return Reply(200, {"success": True, "result": rows[(page - 1) * 50: page * 50]})

    srv = serve(app)
    period = periods.resolve("2026-11-02", "2026-11-02", "UTC")
    f = collect(tmp_path, "cloudflare", srv.url, period, CF).fetched
    assert summarise(f.buckets, period).totals.requests == 120 and f.pages == 3
    assert [s.one("page") for s in srv.seen] == ["1", "2", "3"]


def test_litellm_without_page_count_follows_has_more(tmp_path, serve):
    inner = litellm_app(litellm_records(4, date(2026, 11, 1)))

    def app(seen):
        reply = inner(seen)
        if seen.path == "/user/daily/activity":
            reply.body["metadata"].pop("total_pages")
        return reply

    srv = serve(app)
    period = periods.resolve("2026-11-01", "2026-11-04", "UTC")
    f = collect(tmp_path, "litellm", srv.url, period, {"page_size": 5}).fetched
    assert [s.one("page") for s in srv.hits("/user/daily/activity")] == ["1", "2", "3", "4"]
    assert summarise(f.buckets, period).totals.requests == sum(2 + j for j in range(4)) * 4
