"""`aistack usage` against gateways on 127.0.0.1 that misbehave: redirects to another origin, error bodies that echo
the token, pages that never end, answers that trickle, bodies that crash decoders. Each run must end on its own,
in bounded time, with a clear message or a report marked partial, never a traceback, never the token."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest

from aistack.usage import http as usage_http
from support.http import TOKEN, Reply
from support.usage import litellm_app, metrics, write_profile

pytestmark = pytest.mark.peer

TODAY = date.today().isoformat()


@pytest.fixture(autouse=True)
def token(monkeypatch):
    monkeypatch.setenv("AISTACK_TOKEN", TOKEN)
    monkeypatch.setenv("COLUMNS", "120")


def budget(monkeypatch, **config):
    """Shrink the report's budget (pages, seconds) for one test; everything else stays real."""
    real = usage_http.Http

    monkeypatch.setattr("aistack.usage.service.Http",
                        lambda headers, cfg=None: real(headers, usage_http.HttpConfig(**config)))


def day(results_date=TODAY, spend=0.5, prompt=1000):
    return {"date": results_date, "metrics": metrics(prompt, 100, 0, 0, 1, spend),
            "breakdown": {"models": {"m": {"metrics": metrics(prompt, 100, 0, 0, 1, spend)}}}}


def key_info(seen):
    return Reply(200, {"info": {"user_id": "alice", "spend": 1.0, "max_budget": 10.0}})


# ---- redirects ----------------------------------------------------------------------------------------

def test_a_redirect_to_another_origin_is_refused_and_the_custom_token_header_never_leaves(cli, tmp_path, serve):
    elsewhere = serve(lambda seen: Reply(200, {"results": [], "metadata": {}}), token=None)
    gateway = serve(lambda seen: Reply(302, "", headers={"Location": elsewhere.url + seen.path}),
                    token=TOKEN, header="X-Api-Key")
    org = write_profile(tmp_path, "litellm", gateway.url, token_header="X-Api-Key")
    code, out, err = cli("usage", "--org", str(org), "--refresh")
    assert code == 1 and out == ""
    assert f"redirected to {elsewhere.url}/key/info" in err and "only within" in err, err
    assert elsewhere.seen == []  # not one request: neither X-Api-Key nor anything else reached the other host
    assert "Traceback" not in err


def test_a_redirect_within_the_origin_is_followed_with_the_token(cli, tmp_path, serve):
    app = litellm_app([(TODAY, "m", metrics(1000, 100, 0, 0, 2, 0.25))])

    def moved(seen):
        if seen.path.startswith("/old/"):
            query = "&".join(f"{k}={v[0]}" for k, v in seen.query.items())
            return Reply(307, "", headers={"Location": seen.path[4:] + ("?" + query if query else "")})
        return app(seen)

    gateway = serve(moved)
    org = write_profile(tmp_path, "litellm", gateway.url + "/old")
    code, out, err = cli("usage", "--org", str(org), "--json", "--since", "today")
    assert code == 0, err
    assert json.loads(out)["totals"]["requests"] == 2
    assert gateway.hits("/old/user/daily/activity") and gateway.hits("/user/daily/activity")


# ---- the token in what the gateway says ---------------------------------------------------------------

def test_an_error_body_echoing_the_token_is_scrubbed(cli, tmp_path, serve):
    gateway = serve(lambda seen: Reply(403, {"error": {"message": f"token Bearer {TOKEN}-xyz is not allowed"}}),
                    token=None)
    org = write_profile(tmp_path, "litellm", gateway.url)
    code, out, err = cli("usage", "--org", str(org))
    assert code == 1 and "is not allowed" in err and "[redacted]" in err
    assert TOKEN not in err + out


def test_notes_model_names_and_json_are_scrubbed(cli, tmp_path, serve):
    def app(seen):
        if seen.path == "/key/info":
            return key_info(seen)
        page = int(seen.one("page"))
        if page == 2:
            return Reply(400, {"error": {"message": f"bad key {TOKEN}"}})
        row = day()
        row["breakdown"]["models"] = {f"model-for-{TOKEN}": {"metrics": metrics(10, 1, 0, 0, 1, 0.1)}}
        return Reply(200, {"results": [row], "metadata": {"total_pages": 3}})

    org = write_profile(tmp_path, "litellm", serve(app).url)
    code, out, err = cli("usage", "--org", str(org), "--json", "--since", "today")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["partial"] is True and any("page 2 of 3" in n for n in doc["notes"])
    assert TOKEN not in out + err and "model-for-[redacted]" in out
    code, out, err = cli("usage", "--org", str(org), "--since", "today", "--breakdown", "--refresh")
    assert code == 0 and TOKEN not in out + err


# ---- pages that never end -------------------------------------------------------------------------------

def test_has_more_forever_with_empty_pages_stops_at_once(cli, tmp_path, serve):
    def app(seen):
        if seen.path == "/key/info":
            return key_info(seen)
        first = seen.one("page") == "1"
        return Reply(200, {"results": [day()] if first else [], "metadata": {"has_more": True}})

    gateway = serve(app)
    org = write_profile(tmp_path, "litellm", gateway.url)
    code, out, err = cli("usage", "--org", str(org), "--json", "--since", "today")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["partial"] is True and doc["totals"]["requests"] == 1
    assert "came back empty" in err and len(gateway.hits("/user/daily/activity")) == 2


def test_has_more_forever_stops_after_the_page_budget(cli, tmp_path, serve, monkeypatch):
    budget(monkeypatch, max_pages=30)
    gateway = serve(lambda seen: key_info(seen) if seen.path == "/key/info"
                    else Reply(200, {"results": [day()], "metadata": {"has_more": True}}))
    org = write_profile(tmp_path, "litellm", gateway.url)
    code, out, err = cli("usage", "--org", str(org), "--json", "--since", "today")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["partial"] is True and doc["totals"]["requests"] == 30
    assert "stopped after page 30: 30 pages are the most aistack reads for one report" in err
    assert len(gateway.hits("/user/daily/activity")) == 30


def test_a_claim_of_a_billion_pages_is_not_believed(cli, tmp_path, serve, monkeypatch):
    budget(monkeypatch, max_pages=25)
    gateway = serve(lambda seen: key_info(seen) if seen.path == "/key/info"
                    else Reply(200, {"results": [day()], "metadata": {"total_pages": 10 ** 9}}))
    org = write_profile(tmp_path, "litellm", gateway.url)
    code, out, err = cli("usage", "--org", str(org), "--json", "--since", "today")
    assert code == 0, err
    assert json.loads(out)["partial"] is True
    assert "stopped after page 25 of 1,000,000,000" in err
    assert len(gateway.hits("/user/daily/activity")) == 25


def test_the_whole_report_has_a_deadline(cli, tmp_path, serve, monkeypatch):
    """Pages that each come back in time, but too many of them: the report stops at its total time."""
    budget(monkeypatch, total_time=2.0, workers=2)
    gateway = serve(lambda seen: key_info(seen) if seen.path == "/key/info"
                    else Reply(200, {"results": [day()], "metadata": {"total_pages": 1000}}, delay=0.2))
    org = write_profile(tmp_path, "litellm", gateway.url)
    started = time.monotonic()
    code, out, err = cli("usage", "--org", str(org), "--json", "--since", "today")
    took = time.monotonic() - started
    assert code == 0, err
    assert json.loads(out)["partial"] is True and took < 4.0, took
    assert "aistack stopped reading usage after 2 s" in err


# ---- answers that trickle ---------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["headers", "body"])
def test_an_answer_trickling_a_byte_at_a_time_is_cut_off_at_the_response_deadline(cli, tmp_path, serve,
                                                                                  monkeypatch, where):
    """Every single read succeeds within the 20 s read timeout, yet the answer never completes in time."""
    budget(monkeypatch, response_time=1.5, retries=1, backoff=0.01)
    big = {"results": [day()] * 50, "metadata": {}}
    start = 0 if where == "headers" else 120
    gateway = serve(lambda seen: Reply(200, big, trickle=0.1, trickle_from=start))
    org = write_profile(tmp_path, "litellm", gateway.url)
    started = time.monotonic()
    code, out, err = cli("usage", "--org", str(org), "--since", "today")
    took = time.monotonic() - started
    assert code == 1 and "did not send its whole answer within 2 s" in err, err
    assert took < 5.0, took  # two attempts of 1.5 s each, not minutes


# ---- bodies that crash decoders ----------------------------------------------------------------------------

def test_deeply_nested_body_is_a_clear_error(cli, tmp_path, serve):
    gateway = serve(lambda seen: Reply(200, "[" * 100_000 + "]" * 100_000))
    org = write_profile(tmp_path, "litellm", gateway.url)
    code, out, err = cli("usage", "--org", str(org))
    assert code == 1 and "not JSON aistack can read" in err and "Traceback" not in err


def test_overflowing_and_nan_numbers_are_unknown_and_json_stays_json(cli, tmp_path, serve):
    def app(seen):
        if seen.path == "/key/info":
            return Reply(200, '{"info": {"user_id": "alice", "spend": NaN, "max_budget": 10.0}}')
        return Reply(200, '{"results": [{"date": "%s", "breakdown": {"models": {"m": {"metrics": '
                          '{"prompt_tokens": 1e400, "completion_tokens": 5, "spend": NaN, "api_requests": 1}},'
                          ' "x": {"metrics": {"prompt_tokens": 7, "spend": Infinity, "api_requests": 1}}}}}],'
                          ' "metadata": {"total_pages": 1}}' % TODAY)

    org = write_profile(tmp_path, "litellm", serve(app).url)
    code, out, err = cli("usage", "--org", str(org), "--json", "--since", "today")
    assert code == 0, err

    def no_constants(name):
        raise AssertionError(f"{name} in --json output")

    doc = json.loads(out, parse_constant=no_constants)
    assert doc["totals"]["output_tokens"] == 5 and doc["totals"]["input_tokens"] == 7
    assert doc["totals"]["cost_usd"] is None and doc["budget"]["spend_usd"] is None


def test_hostile_row_types_do_not_crash_any_backend(cli, tmp_path, serve):
    """Fields of the wrong type in the Cloudflare hot loop and the LiteLLM rows: counted as unknown, no traceback."""
    now = (date.today() - timedelta(days=0)).isoformat() + "T12:00:00Z"
    rows = [{"id": ["x"], "created_at": now, "model": {"a": 1}, "tokens_in": "100", "tokens_out": None,
             "cost": "free", "metadata": 7},
            {"id": "ok", "created_at": now, "model": "m", "tokens_in": 3, "tokens_out": 4, "cost": 0.5,
             "metadata": "{}"}]
    path = "/accounts/acct/ai-gateway/gateways/gw/logs"
    cf = serve(lambda seen: Reply(200, {"success": True, "result": rows if seen.path == path else [],
                                        "result_info": {"total_count": 2, "total_pages": 1}}))
    org = write_profile(tmp_path, "cloudflare", cf.url, {"account_id": "acct", "gateway_id": "gw"})
    code, out, err = cli("usage", "--org", str(org), "--json", "--since", "today", "--timezone", "UTC")
    assert code == 0, err
    totals = json.loads(out)["totals"]
    assert (totals["requests"], totals["input_tokens"], totals["output_tokens"]) == (2, 3, 4)
    ll = serve(lambda seen: key_info(seen) if seen.path == "/key/info" else Reply(200, {
        "results": [{"date": TODAY, "breakdown": ["not", "a", "table"], "metrics": {"api_requests": 1}},
                    {"date": TODAY, "breakdown": {"models": {"m": {"metrics": [1]}}}}], "metadata": {}}))
    org = write_profile(tmp_path, "litellm", ll.url)
    code, out, err = cli("usage", "--org", str(org), "--json", "--since", "today")
    assert code == 0, err
    assert json.loads(out)["totals"]["requests"] == 1
