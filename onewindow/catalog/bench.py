"""Benchmarks of catalog search: latency over a generated 10,000-item catalog and
relevance on the committed query set. Figures are measured when run, never stored."""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from onewindow.catalog.choices import ItemKind
from onewindow.catalog.search import analyzer
from onewindow.catalog.search.index import Document, SearchIndex, SourceText

RELEVANCE_FILE = Path(__file__).resolve().parent / "demo_content" / "relevance.json"

DEPARTMENTS = [
    ("公安局", "Public Security Bureau"),
    ("民政局", "Civil Affairs Bureau"),
    ("人社局", "Human Resources and Social Security Bureau"),
    ("卫健委", "Health Commission"),
    ("医保局", "Healthcare Security Administration"),
    ("市场监管局", "Market Regulation"),
    ("税务局", "Tax Service"),
    ("住建委", "Housing and Construction"),
    ("规划资源局", "Planning and Natural Resources"),
    ("交通委", "Transportation"),
    ("教委", "Education Commission"),
    ("生态环境局", "Ecology and Environment"),
    ("公积金中心", "Housing Provident Fund"),
    ("文旅局", "Culture and Tourism"),
    ("应急局", "Emergency Management"),
    ("司法局", "Justice Bureau"),
]
SUBJECTS = [
    ("户口", "household registration"),
    ("护照", "passport"),
    ("营业执照", "business license"),
    ("社会保障卡", "social security card"),
    ("住房公积金", "housing provident fund"),
    ("居住证", "residence permit"),
    ("驾驶证", "driving licence"),
    ("结婚证", "marriage certificate"),
    ("出生医学证明", "birth certificate"),
    ("不动产权证", "real estate certificate"),
    ("食品经营许可证", "food business licence"),
    ("排污许可证", "pollutant discharge permit"),
    ("施工许可证", "construction permit"),
    ("医师执业证书", "medical practitioner certificate"),
    ("教师资格证", "teacher qualification"),
    ("导游证", "tour guide licence"),
    ("养老金", "pension"),
    ("失业保险金", "unemployment benefit"),
    ("生育津贴", "maternity allowance"),
    ("医疗保险", "medical insurance"),
    ("道路运输证", "road transport permit"),
    ("港澳通行证", "Hong Kong and Macao travel permit"),
    ("残疾人证", "disability certificate"),
    ("律师执业证", "lawyer's licence"),
    ("公证书", "notarial certificate"),
    ("发票", "invoice"),
    ("个人所得税", "individual income tax"),
    ("契税", "deed tax"),
    ("危险化学品经营许可证", "hazardous chemicals licence"),
    ("特种设备", "special equipment"),
    ("建设工程规划许可证", "construction planning permit"),
    ("法律援助", "legal aid"),
    ("临时救助", "temporary assistance"),
    ("最低生活保障", "minimum living allowance"),
    ("职业技能补贴", "vocational skills subsidy"),
    ("创业补贴", "start-up subsidy"),
    ("车辆年检", "vehicle inspection"),
    ("出租汽车", "taxi"),
    ("网约车", "ride-hailing"),
    ("药品经营许可证", "drug business licence"),
]
ACTIONS = [
    ("申领", "application for"),
    ("补领", "replacement of"),
    ("换领", "renewal of"),
    ("变更登记", "change registration of"),
    ("注销", "cancellation of"),
    ("核发", "issuance of"),
    ("备案", "filing of"),
    ("查询", "inquiry about"),
    ("延续", "extension of"),
    ("审批", "approval of"),
    ("提取", "withdrawal of"),
    ("转移", "transfer of"),
    ("年度报告", "annual report on"),
    ("信息更正", "correction of"),
    ("证明开具", "certificate on"),
    ("减免", "reduction of"),
]
QUALIFIERS = [
    "",
    "（个人）",
    "（单位）",
    "（外籍人员）",
    "（港澳台居民）",
    "（跨省通办）",
    "（浦东新区）",
    "（黄浦区）",
    "（徐汇区）",
    "（长宁区）",
]


def generated_documents(count: int, seed: int = 2026) -> Iterator[tuple[Document, SourceText]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    serial = 0
    while len(seen) < count:
        dept, dept_en = rng.choice(DEPARTMENTS)
        subject, subject_en = rng.choice(SUBJECTS)
        action, action_en = rng.choice(ACTIONS)
        qualifier = rng.choice(QUALIFIERS)
        name = f"{subject}{action}{qualifier}"
        if name in seen:
            qualifier = f"（第{serial}类）"
            name = f"{subject}{action}{qualifier}"
        seen.add(name)
        serial += 1
        level = rng.choice([1, 2, 3, 3, 4, 4, 5])
        document = Document(
            kind="item",
            key=f"310000-GEN-QR-{serial:05d}",
            name=name,
            name_en=f"{action_en.capitalize()} {subject_en}",
            popularity=rng.randint(0, 500),
            facets={
                "department": dept,
                "audience": rng.choice(["person", "company"]),
                "topic": [],
                "online_level": level,
            },
            payload={
                "department_name": dept,
                "department_name_en": dept_en,
                "summary": "",
                "summary_en": "",
                "kind": rng.choice(ItemKind.values),
                "promised_limit_days": rng.randint(0, 20),
                "max_visits": 0 if level == 5 else 1,
                # The generated items take applications where they are fully online.
                "applies_online": level == 5,
            },
        )
        text = SourceText(
            name=name,
            name_en=document.name_en,
            keywords=subject,
            context=f"{dept} {dept_en}",
            summary=f"办理{subject}{action}的申请、受理与审批。",
        )
        yield document, text


def build_generated_index(count: int) -> SearchIndex:
    analyzer.initialize()
    index = SearchIndex()
    for document, text in generated_documents(count):
        index.add(document, text)
    index.finish([("开公司", "营业执照"), ("生孩子", "出生")])
    return index


def latency_queries(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    base = [
        "户口",
        "营业执照申领",
        "公积金提取",
        "护照补领",
        "hukou",
        "yingye zhizhao",
        "gjj",
        "yyzz",
        "passport renewal",
        "business license",
        "pasport",
        "营也执照",
        "生孩子",
        "开公司",
        "social security card",
        "养老金",
        "driving licence",
        "居住证",
        "发票",
        "残疾人证",
    ]
    return [rng.choice(base) for _ in range(400)]


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return {"p50": pick(0.50), "p95": pick(0.95), "mean": statistics.fmean(ordered)}


def time_each(queries: list[str], run: Callable[[str], Any]) -> list[float]:
    for query in queries[:20]:  # warm-up
        run(query)
    samples = []
    for query in queries:
        start = time.perf_counter()
        run(query)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def naive_scan(index: SearchIndex) -> Callable[[str], Any]:
    """The baseline: what a portal without an index does — scan every name."""
    names = [(d.name + " " + d.name_en.lower()) for d in index.documents]

    def run(query: str) -> list[int]:
        words = query.lower().split()
        return [i for i, name in enumerate(names) if any(w in name for w in words)][:20]

    return run


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(application: Any) -> Iterator[int]:
    server: WSGIServer = make_server("127.0.0.1", 0, application, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def http_search(port: int) -> Callable[[str], Any]:
    def run(query: str) -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/api/v1/catalog/search?q={quote(query)}&limit=20")
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status == 200, body[:200]
        return json.loads(body)

    return run


def http_get(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    # A baseline timed on an error page would be another baseline.
    assert response.status == 200, body[:200]
    return body


def relevance(search: Callable[[str], list[str]]) -> dict[str, Any]:
    cases = json.loads(RELEVANCE_FILE.read_text(encoding="utf-8"))
    by_kind: dict[str, list[tuple[bool, bool]]] = {}
    misses: list[str] = []
    for case in cases:
        found = search(case["query"])
        expected = set(case["expected"])
        hit1 = bool(found[:1]) and found[0] in expected
        hit3 = bool(expected & set(found[:3]))
        by_kind.setdefault(case["kind"], []).append((hit1, hit3))
        if not hit3:
            misses.append(f"{case['query']} ({case['kind']}): got {found[:3]}")
    all_cases = [pair for pairs in by_kind.values() for pair in pairs]
    return {
        "queries": len(all_cases),
        "hit@1": sum(h1 for h1, _ in all_cases) / len(all_cases),
        "hit@3": sum(h3 for _, h3 in all_cases) / len(all_cases),
        "by_kind": {
            kind: (sum(h1 for h1, _ in p) / len(p), sum(h3 for _, h3 in p) / len(p), len(p))
            for kind, p in sorted(by_kind.items())
        },
        "misses": misses,
    }
