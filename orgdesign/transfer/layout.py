"""The sheets of an organisation workbook and their columns: the contract of export and import alike.

Rows refer to each other by code (a position's unit, its superior), never by database id, so a
file moves between databases. Parts (duties, authorities, standards, unit duties, collaboration
mechanisms, indicator levels, KPI items) are numbered within their owner by `order`.
"""

from dataclasses import dataclass, field

TEXT, INT, DECIMAL, BOOL, DATE = "text", "int", "decimal", "bool", "date"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple
    key: tuple  # the columns that identify a row
    owner: str | None = None  # for parts: the column naming the row they belong to
    label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def column_names(self):
        return [column.name for column in self.columns]


def _c(name, kind=TEXT, required=False):
    return Column(name, kind, required)


SHEETS = (
    Sheet("units", (
        _c("code", required=True), _c("name", required=True), _c("name_en"), _c("kind", required=True),
        _c("parent"), _c("head"), _c("function"), _c("function_en"), _c("order", INT),
    ), key=("code",), label="单位 Units"),
    Sheet("unit_duties", (
        _c("unit", required=True), _c("order", INT, True), _c("area"), _c("area_en"), _c("title"), _c("title_en"),
        _c("text", required=True), _c("text_en"),
    ), key=("unit", "order"), owner="unit", label="单位职责 Unit duties"),
    Sheet("mechanisms", (
        _c("unit", required=True), _c("order", INT, True), _c("kind", required=True), _c("name", required=True),
        _c("name_en"), _c("description"), _c("description_en"), _c("participants"), _c("frequency"),
    ), key=("unit", "order"), owner="unit", label="协作机制 Collaboration mechanisms"),
    Sheet("positions", (
        _c("code", required=True), _c("title", required=True), _c("title_en"), _c("unit", required=True),
        _c("reports_to"), _c("grade", INT), _c("headcount", INT, True), _c("is_key", BOOL), _c("purpose"),
        _c("purpose_en"), _c("order", INT),
    ), key=("code",), label="岗位 Positions"),
    Sheet("duties", (
        _c("position", required=True), _c("order", INT, True), _c("category", required=True), _c("title"),
        _c("title_en"), _c("text", required=True), _c("text_en"),
    ), key=("position", "order"), owner="position", label="岗位职责 Duties"),
    Sheet("authorities", (
        _c("position", required=True), _c("order", INT, True), _c("text", required=True), _c("text_en"),
    ), key=("position", "order"), owner="position", label="岗位权限 Authorities"),
    Sheet("standards", (
        _c("position", required=True), _c("order", INT, True), _c("measure", required=True), _c("measure_en"),
        _c("target", DECIMAL), _c("unit"), _c("duty", INT),
    ), key=("position", "order"), owner="position", label="工作标准 Work standards"),
    Sheet("employees", (
        _c("employee_no", required=True), _c("name", required=True), _c("name_en"), _c("email"), _c("position"),
        _c("start_date", DATE), _c("active", BOOL),
    ), key=("employee_no",), label="员工 Employees"),
    Sheet("indicators", (
        _c("code", required=True), _c("name", required=True), _c("name_en"), _c("dimension", required=True),
        _c("kind", required=True), _c("unit"), _c("direction"), _c("data_source"), _c("measurement"),
        _c("description"), _c("description_en"), _c("retired", BOOL),
    ), key=("code",), label="考核指标 Indicators"),
    Sheet("indicator_levels", (
        _c("indicator", required=True), _c("level", INT, True), _c("points", DECIMAL, True),
        _c("description", required=True), _c("description_en"),
    ), key=("indicator", "level"), owner="indicator", label="指标等级 Indicator levels"),
    Sheet("kpi_sets", (
        _c("code", required=True), _c("name", required=True), _c("name_en"), _c("status", required=True),
        _c("results_weight", DECIMAL, True), _c("ability_weight", DECIMAL, True),
        _c("attitude_weight", DECIMAL, True), _c("description"),
    ), key=("code",), label="KPI 组合 KPI sets"),
    Sheet("kpi_items", (
        _c("kpi_set", required=True), _c("order", INT, True), _c("indicator", required=True),
        _c("weight", DECIMAL, True), _c("target", DECIMAL),
    ), key=("kpi_set", "order"), owner="kpi_set", label="KPI 指标 KPI items"),
    Sheet("kpi_set_positions", (
        _c("kpi_set", required=True), _c("position", required=True),
    ), key=("kpi_set", "position"), owner="kpi_set", label="KPI 适用岗位 KPI set positions"),
)  # fmt: skip

BY_NAME = {sheet.name: sheet for sheet in SHEETS}
