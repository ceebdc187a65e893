"""The demo city: departments, people and a company. Pure data, no database access.

Division codes are the real GB/T 2260 codes of Shanghai and the statistical township
codes (9 digits) of its streets and towns. Identity numbers and the credit code carry
correct check characters, computed here with python-stdnum, so they pass the same
validation as real ones; they belong to nobody.

Everything here is public on purpose: the demo password and the officers' TOTP secrets
are printed by ``manage.py demo_logins``. Never load the demo city into production.
"""

# ruff: noqa: E501 (the data tables below keep one row per line)

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date

from stdnum.cn import ric, uscc

from onewindow.identity.roles import PUBLIC_ROLES, Role

DEMO_PASSWORD = "Demo-Pass-2026"
DEMO_EMAIL_DOMAIN = "demo.onewindow.invalid"
TOTP_DEVICE_NAME = "demo authenticator"
CITY_CODE = "310000"


# --- departments ------------------------------------------------------------------


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str
    name_en: str
    short_name: str
    kind: str  # a DepartmentKind value
    parent: str | None  # the parent's code; None for the city
    division_code: str = ""
    short_name_en: str = ""


CITY = DemoDepartment(
    CITY_CODE,
    "上海市人民政府",
    "Shanghai Municipal People's Government",
    "市政府",
    "city",
    None,
    CITY_CODE,
    "City Government",
)

# fmt: off
# Municipal departments: (abbreviation, name, English name, short name, English short
# name); the code is 310000-<abbreviation>.
_BUREAUS: tuple[tuple[str, str, str, str, str], ...] = (
    ("BGT", "上海市人民政府办公厅", "General Office of the Shanghai Municipal People's Government", "市政府办公厅", "General Office"),
    ("FG", "上海市发展和改革委员会", "Shanghai Municipal Development and Reform Commission", "发改委", "Development and Reform"),
    ("SJJ", "上海市数据局", "Shanghai Municipal Administration of Data", "数据局", "Data Administration"),
    ("DSJ", "上海市大数据中心", "Shanghai Big Data Center", "大数据中心", "Big Data Center"),
    ("RX", "上海市民服务热线管理办公室", "Shanghai 12345 Citizen Service Hotline Office", "12345热线", "12345 Hotline"),
    ("GA", "上海市公安局", "Shanghai Municipal Public Security Bureau", "公安局", "Public Security"),
    ("MZ", "上海市民政局", "Shanghai Municipal Civil Affairs Bureau", "民政局", "Civil Affairs"),
    ("RS", "上海市人力资源和社会保障局", "Shanghai Municipal Human Resources and Social Security Bureau", "人社局", "Human Resources and Social Security"),
    ("WJ", "上海市卫生健康委员会", "Shanghai Municipal Health Commission", "卫健委", "Health Commission"),
    ("YB", "上海市医疗保障局", "Shanghai Municipal Healthcare Security Administration", "医保局", "Healthcare Security"),
    ("SJ", "上海市市场监督管理局", "Shanghai Municipal Administration for Market Regulation", "市场监管局", "Market Regulation"),
    ("SW", "国家税务总局上海市税务局", "Shanghai Municipal Tax Service, State Taxation Administration", "税务局", "Tax Service"),
    ("ZJ", "上海市住房和城乡建设管理委员会", "Shanghai Municipal Commission of Housing and Urban-Rural Development", "住建委", "Housing and Construction"),
    ("GH", "上海市规划和自然资源局", "Shanghai Municipal Bureau of Planning and Natural Resources", "规划资源局", "Planning and Natural Resources"),
    ("JT", "上海市交通委员会", "Shanghai Municipal Transportation Commission", "交通委", "Transportation"),
    ("JY", "上海市教育委员会", "Shanghai Municipal Education Commission", "教委", "Education"),
    ("HB", "上海市生态环境局", "Shanghai Municipal Bureau of Ecology and Environment", "生态环境局", "Ecology and Environment"),
    ("GJJ", "上海市住房公积金管理中心", "Shanghai Housing Provident Fund Management Center", "公积金中心", "Housing Provident Fund"),
    ("CZ", "上海市财政局", "Shanghai Municipal Finance Bureau", "财政局", "Finance"),
    ("SF", "上海市司法局", "Shanghai Municipal Bureau of Justice", "司法局", "Justice"),
    ("WL", "上海市文化和旅游局", "Shanghai Municipal Administration of Culture and Tourism", "文旅局", "Culture and Tourism"),
    ("SWW", "上海市商务委员会", "Shanghai Municipal Commission of Commerce", "商务委", "Commerce"),
    ("YJ", "上海市应急管理局", "Shanghai Municipal Emergency Management Bureau", "应急局", "Emergency Management"),
    ("TY", "上海市退役军人事务局", "Shanghai Municipal Bureau of Veterans Affairs", "退役军人局", "Veterans Affairs"),
    ("JXW", "上海市经济和信息化委员会", "Shanghai Municipal Commission of Economy and Informatization", "经信委", "Economy and Informatization"),
)

# Districts (GB/T 2260): (code, name, English name).
_DISTRICTS: tuple[tuple[str, str, str], ...] = (
    ("310101", "黄浦区", "Huangpu District"),
    ("310104", "徐汇区", "Xuhui District"),
    ("310105", "长宁区", "Changning District"),
    ("310115", "浦东新区", "Pudong New Area"),
)

# Streets and towns (9-digit statistical township codes): (code, name, English name).
# The district is the first six digits.
_STREETS: tuple[tuple[str, str, str], ...] = (
    ("310101002", "南京东路街道", "Nanjing East Road Subdistrict"),
    ("310101013", "外滩街道", "The Bund Subdistrict"),
    ("310101015", "半淞园路街道", "Bansongyuan Road Subdistrict"),
    ("310101018", "豫园街道", "Yuyuan Subdistrict"),
    ("310104003", "天平路街道", "Tianping Road Subdistrict"),
    ("310104004", "湖南路街道", "Hunan Road Subdistrict"),
    ("310104014", "徐家汇街道", "Xujiahui Subdistrict"),
    ("310104103", "华泾镇", "Huajing Town"),
    ("310105001", "华阳路街道", "Huayang Road Subdistrict"),
    ("310105002", "江苏路街道", "Jiangsu Road Subdistrict"),
    ("310105004", "新华路街道", "Xinhua Road Subdistrict"),
    ("310105102", "新泾镇", "Xinjing Town"),
    ("310115005", "陆家嘴街道", "Lujiazui Subdistrict"),
    ("310115007", "周家渡街道", "Zhoujiadu Subdistrict"),
    ("310115008", "塘桥街道", "Tangqiao Subdistrict"),
    ("310115125", "张江镇", "Zhangjiang Town"),
)

# District departments: (district, abbreviation, name after the district's, English
# name after the district's, short name, English short name); the code is
# <district>-<abbreviation>.
_DISTRICT_BUREAUS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("310101", "SJ", "市场监督管理局", "Administration for Market Regulation", "黄浦市场监管", "Huangpu Market Regulation"),
    ("310101", "MZ", "民政局", "Civil Affairs Bureau", "黄浦民政", "Huangpu Civil Affairs"),
    ("310104", "SJ", "市场监督管理局", "Administration for Market Regulation", "徐汇市场监管", "Xuhui Market Regulation"),
    ("310104", "RS", "人力资源和社会保障局", "Human Resources and Social Security Bureau", "徐汇人社", "Xuhui Human Resources and Social Security"),
    ("310105", "SJ", "市场监督管理局", "Administration for Market Regulation", "长宁市场监管", "Changning Market Regulation"),
    ("310105", "RS", "人力资源和社会保障局", "Human Resources and Social Security Bureau", "长宁人社", "Changning Human Resources and Social Security"),
    ("310115", "SJ", "市场监督管理局", "Administration for Market Regulation", "浦东市场监管", "Pudong Market Regulation"),
    ("310115", "RS", "人力资源和社会保障局", "Human Resources and Social Security Bureau", "浦东人社", "Pudong Human Resources and Social Security"),
)
# fmt: on

BUREAUS: tuple[DemoDepartment, ...] = tuple(
    DemoDepartment(
        f"{CITY_CODE}-{abbr}", name, name_en, short, "bureau", CITY_CODE, CITY_CODE, short_en
    )
    for abbr, name, name_en, short, short_en in _BUREAUS
)


def _district_departments() -> tuple[DemoDepartment, ...]:
    result: list[DemoDepartment] = []
    for code, name, name_en in _DISTRICTS:
        result.append(
            DemoDepartment(code, name, name_en, name, "district", CITY_CODE, code, name_en)
        )
        result.extend(
            DemoDepartment(s_code, s_name, s_name_en, s_name, "street", code, s_code, s_name_en)
            for s_code, s_name, s_name_en in _STREETS
            if s_code[:6] == code
        )
        result.extend(
            DemoDepartment(
                f"{code}-{abbr}",
                f"{name}{b_name}",
                f"{name_en} {b_name_en}",
                b_short,
                "district_bureau",
                code,
                code,
                b_short_en,
            )
            for district, abbr, b_name, b_name_en, b_short, b_short_en in _DISTRICT_BUREAUS
            if district == code
        )
    return tuple(result)


DISTRICT_DEPARTMENTS = _district_departments()

# Parent first: the city, its bureaus, then each district followed by its children.
DEPARTMENTS: tuple[DemoDepartment, ...] = (CITY, *BUREAUS, *DISTRICT_DEPARTMENTS)


def department(code: str) -> DemoDepartment:
    for item in DEPARTMENTS:
        if item.code == code:
            return item
    raise KeyError(code)


# --- identity numbers -------------------------------------------------------------


def resident_id(region: str, birth: date, sequence: int) -> str:
    """A GB 11643 number: region, birth date, 3-digit sequence (odd: male), check digit.

    The region must have existed in the birth year: 310115 (Pudong) only from 1992.
    """
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    # stdnum's calc_check_digit expects a number with a (placeholder) check digit.
    return body + ric.calc_check_digit(body + "0")


def _organisation_code(body: str) -> str:
    """GB 11714 organisation code: 8 characters and their check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(authority_type: str, region: str, organisation: str) -> str:
    """A GB 32100 unified social credit code with correct check characters."""
    body = f"{authority_type}{region}{_organisation_code(organisation)}"
    return body + uscc.calc_check_digit(body)


# --- people -----------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    id_number: str
    phone: str
    # Officer roles as (role, department code); empty for citizens and agents.
    roles: tuple[tuple[Role, str], ...] = ()
    language: str = "zh-hans"

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_EMAIL_DOMAIN}"

    @property
    def is_officer(self) -> bool:
        return any(role not in PUBLIC_ROLES for role, _ in self.roles)

    @property
    def totp_key(self) -> str:
        return totp_key_hex(self.username)

    @property
    def totp_secret(self) -> str:
        return totp_secret_base32(self.username)


@dataclass(frozen=True)
class DemoCompany:
    uscc: str
    name: str
    name_en: str
    legal_representative: str
    agents: tuple[str, ...] = field(default_factory=tuple)


def totp_key_hex(username: str) -> str:
    """The officer's TOTP secret as django_otp stores it: 40 hex digits (20 bytes)."""
    # Not a security use: a public, reproducible demo secret.
    return hashlib.sha1(f"onewindow-demo-totp:{username}".encode()).hexdigest()  # noqa: S324


def base32_of(hex_key: str) -> str:
    """A hex TOTP key as authenticator apps expect to type it."""
    return base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")


def totp_secret_base32(username: str) -> str:
    """The officer's TOTP secret in base32, for printing."""
    return base32_of(totp_key_hex(username))


# fmt: off
# (user name, full name, birth region, birth date, sequence, mobile, officer roles, language)
_PEOPLE: tuple[tuple[str, str, str, date, int, str, tuple[tuple[Role, str], ...], str], ...] = (
    # The public: two citizens (one prefers English) and a company's agent.
    ("citizen.wang", "王小明", "310101", date(1990, 3, 15), 213, "13916200101", (), "zh-hans"),
    ("citizen.chen", "陈静", "310104", date(1992, 11, 2), 386, "13916200102", (), "en"),
    ("agent.li", "李娜", "310115", date(1995, 6, 21), 24, "13916200103", (), "zh-hans"),
    # Window and reviewing officers; rs.review reviews for social security and medical
    # insurance (two departments).
    ("ga.window", "张伟", "310105", date(1985, 1, 9), 151, "13916200201",
     ((Role.WINDOW_OFFICER, "310000-GA"),), "zh-hans"),
    ("ga.review", "刘洋", "310104", date(1982, 7, 30), 273, "13916200202",
     ((Role.REVIEWING_OFFICER, "310000-GA"),), "zh-hans"),
    ("sj.window", "周敏", "310101", date(1991, 4, 18), 442, "13916200203",
     ((Role.WINDOW_OFFICER, "310000-SJ"),), "zh-hans"),
    ("sj.review", "吴刚", "310105", date(1979, 12, 3), 335, "13916200204",
     ((Role.REVIEWING_OFFICER, "310000-SJ"),), "zh-hans"),
    ("rs.window", "孙丽", "310104", date(1993, 2, 14), 128, "13916200205",
     ((Role.WINDOW_OFFICER, "310000-RS"),), "zh-hans"),
    ("rs.review", "郑浩", "310101", date(1984, 9, 25), 357, "13916200206",
     ((Role.REVIEWING_OFFICER, "310000-RS"), (Role.REVIEWING_OFFICER, "310000-YB")), "zh-hans"),
    ("pd.sj.window", "黄磊", "310115", date(1994, 5, 6), 171, "13916200207",
     ((Role.WINDOW_OFFICER, "310115-SJ"),), "zh-hans"),
    ("pd.sj.review", "何静", "310115", date(1996, 8, 12), 286, "13916200208",
     ((Role.REVIEWING_OFFICER, "310115-SJ"),), "zh-hans"),
    # Officers of the other departments the demo processes route work to (民政, 财政,
    # 卫健, 医保, 税务, 公积金), so every demo inbox can be walked.
    ("mz.window", "韩雪", "310101", date(1990, 7, 7), 264, "13916200209",
     ((Role.WINDOW_OFFICER, "310000-MZ"),), "zh-hans"),
    ("mz.review", "许建", "310104", date(1981, 3, 28), 319, "13916200210",
     ((Role.REVIEWING_OFFICER, "310000-MZ"),), "zh-hans"),
    ("cz.review", "曹颖", "310105", date(1986, 11, 11), 207, "13916200211",
     ((Role.REVIEWING_OFFICER, "310000-CZ"),), "zh-hans"),
    ("wj.review", "邓宇", "310101", date(1987, 2, 2), 181, "13916200212",
     ((Role.WINDOW_OFFICER, "310000-WJ"), (Role.REVIEWING_OFFICER, "310000-WJ")), "zh-hans"),
    ("yb.review", "冯倩", "310104", date(1994, 9, 9), 238, "13916200213",
     ((Role.WINDOW_OFFICER, "310000-YB"), (Role.REVIEWING_OFFICER, "310000-YB")), "zh-hans"),
    ("sw.review", "彭博", "310105", date(1988, 6, 30), 296, "13916200214",
     ((Role.WINDOW_OFFICER, "310000-SW"), (Role.REVIEWING_OFFICER, "310000-SW")), "zh-hans"),
    ("gjj.review", "蒋琳", "310101", date(1991, 12, 24), 352, "13916200215",
     ((Role.WINDOW_OFFICER, "310000-GJJ"), (Role.REVIEWING_OFFICER, "310000-GJJ")), "zh-hans"),
    # Department leads: they approve extensions and hear first when a task runs late.
    ("ga.lead", "陈刚", "310104", date(1975, 8, 16), 153, "13916200216",
     ((Role.DEPARTMENT_LEAD, "310000-GA"),), "zh-hans"),
    ("mz.lead", "王芳", "310101", date(1978, 4, 12), 246, "13916200217",
     ((Role.DEPARTMENT_LEAD, "310000-MZ"),), "en"),
    # 黄浦区民政局's window, reviewer and lead: the district's own benefits (临时救助)
    # are decided there, not by the city's 民政局, whose mz.* officers keep the city's
    # items (收养登记).
    ("hp.mz.window", "钱晓燕", "310101", date(1992, 5, 20), 418, "13916200218",
     ((Role.WINDOW_OFFICER, "310101-MZ"),), "zh-hans"),
    ("hp.mz.review", "沈立军", "310101", date(1983, 10, 14), 331, "13916200219",
     ((Role.REVIEWING_OFFICER, "310101-MZ"),), "zh-hans"),
    ("hp.mz.lead", "顾建华", "310101", date(1974, 2, 27), 159, "13916200220",
     ((Role.DEPARTMENT_LEAD, "310101-MZ"),), "zh-hans"),
    # Administration and oversight.
    ("ga.admin", "马超", "310105", date(1980, 10, 1), 193, "13916200301",
     ((Role.DEPARTMENT_ADMIN, "310000-GA"),), "zh-hans"),
    ("pd.admin", "林芳", "310115", date(1992, 10, 28), 262, "13916200302",
     ((Role.DEPARTMENT_ADMIN, "310115"),), "zh-hans"),
    ("data.steward", "高源", "310104", date(1989, 6, 17), 317, "13916200303",
     ((Role.DATA_STEWARD, "310000-SJJ"),), "zh-hans"),
    ("hotline", "罗佳", "310101", date(1996, 1, 23), 448, "13916200304",
     ((Role.HOTLINE_AGENT, "310000-RX"),), "zh-hans"),
    ("supervisor", "梁红", "310105", date(1977, 5, 19), 224, "13916200305",
     ((Role.SUPERVISOR, CITY_CODE),), "zh-hans"),
    ("pmo", "宋杰", "310104", date(1983, 12, 8), 139, "13916200306",
     ((Role.PROJECT_OFFICE, "310000-SJJ"),), "zh-hans"),
    ("admin", "唐宁", "310101", date(1981, 4, 4), 375, "13916200307",
     ((Role.PLATFORM_ADMIN, CITY_CODE),), "zh-hans"),
)
# fmt: on

USERS: tuple[DemoUser, ...] = tuple(
    DemoUser(username, name, resident_id(region, birth, seq), phone, roles, language)
    for username, name, region, birth, seq, phone, roles, language in _PEOPLE
)

COMPANIES: tuple[DemoCompany, ...] = (
    DemoCompany(
        credit_code("91", "310115", "MA1FL3K2"),
        "上海云岭数据科技有限公司",
        "Shanghai Yunling Data Technology Co., Ltd.",
        "李建国",
        ("agent.li",),
    ),
)


def user(username: str) -> DemoUser:
    for item in USERS:
        if item.username == username:
            return item
    raise KeyError(username)


def public_roles(demo_user: DemoUser) -> tuple[Role, ...]:
    """Roles held without a department: every non-officer is a citizen; an agent of a
    demo company is also a company agent."""
    if demo_user.is_officer:
        return ()
    agent = any(demo_user.username in company.agents for company in COMPANIES)
    return (Role.CITIZEN, Role.COMPANY_AGENT) if agent else (Role.CITIZEN,)
