"""Hand-built months for the outcome rules: real inbox files, validated into real Parquet.

A `Scenario` collects enrolments, claims and PILA rows by the month they are received,
writes them as the published CSV files, a contract as YAML and the minimum-wage table, and
either ingests them into a warehouse without Dagster (`known`) for fast rule tests, or is
run through the real job with `pbr_pipeline.runner.run_month`.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import yaml

from pbr_pipeline.verify.as_of import Known, load_known
from pbr_pipeline.money.contracts import contracts_frame, load_contracts
from pbr_pipeline.intake.ingest import ingest_table
from pbr_pipeline.core.settings import Settings
from pbr_pipeline.intake.tables import MINIMUM_WAGES, MONTHLY_TABLES, POVERTY_LINES
from pbr_pipeline.intake.validate import validate_table
from pbr_pipeline.verify.judge import judge_claims
from pbr_pipeline.core.warehouse import write_partition

SMMLV = {2023: 1_160_000, 2024: 1_300_000, 2025: 1_423_500, 2026: 1_750_905}
EXTREME_POVERTY_LINES = {2023: 218_846, 2024: 227_220}
"""DANE's national extreme-poverty lines, COP per person per month (2025's not published yet)."""
EMPLOYER = "800197268"
OTHER_EMPLOYER = "899999068"


def contract(operator: str = "OP-001", **overrides) -> dict:
    base = {
        "contract_id": f"EMP-{operator}",
        "operator": operator,
        "programme": "EMPLEO",
        "valid_from": "2024-01-01",
        "valid_to": "2026-12-31",
        "budget_cop": 100_000_000,
        "milestones": {
            "COLOCACION": {"price_cop": 1_400_000},
            "RETENCION_3M": {"price_cop": 1_400_000},
            "RETENCION_6M": {"price_cop": 280_000},
        },
    }
    return base | overrides


@dataclass
class Scenario:
    root: Path
    contracts: list[dict] = field(default_factory=lambda: [contract("OP-001"), contract("OP-002")])
    rows: dict[tuple[str, str, str], list[dict]] = field(default_factory=lambda: defaultdict(list))
    thresholds: dict | None = None
    """Written as `linkage.yaml` when set."""
    _ingested: dict[str, tuple] = field(default_factory=dict, repr=False)
    """Per month ingested, the files it was ingested from (path, size, modification time)."""
    poverty_lines: dict[tuple[int, str], int] = field(
        default_factory=lambda: {(year, "NACIONAL"): line for year, line in EXTREME_POVERTY_LINES.items()})
    """(year, domain) → extreme-poverty line, written as `reference/lineas_pobreza.csv`."""

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=self.data_dir, warehouse=self.root / "warehouse")

    def enrol(self, month: str, number: str, enrolled_on: str, operator: str = "OP-001", doc_type: str = "CC",
              groups: str = "", sex: str = "M", first_name: str = "ANA", programme: str = "EMPLEO",
              role: str = "") -> "Scenario":
        self.rows[(month, "inscripciones", f"{operator}_{programme}")].append({
            "operador": operator, "programa": programme, "tipo_documento": doc_type, "numero_documento": number,
            "primer_nombre": first_name, "primer_apellido": "PEÑA", "segundo_apellido": "RUIZ", "fecha_nacimiento": "1995-06-15", "sexo": sex,
            "grupos": groups, "rol": role, "fecha_inscripcion": enrolled_on,
        })
        return self

    def claim(self, month: str, number: str, outcome: str, date: str, operator: str = "OP-001",
              doc_type: str = "CC", support: str = EMPLOYER, programme: str = "EMPLEO") -> "Scenario":
        self.rows[(month, "reportes", f"{operator}_{programme}")].append({
            "operador": operator, "programa": programme, "tipo_documento": doc_type, "numero_documento": number,
            "resultado": outcome, "fecha_resultado": date, "soporte": support,
        })
        return self

    def job(self, received: str, number: str, periods: list[str], employer: str = EMPLOYER, doc_type: str = "CC",
            contributor_type: int = 1, days: int = 30, ibc: int | None = None, first_name: str = "ANA") -> "Scenario":
        """PILA rows for `periods`, delivered in the extract received in `received`."""
        for period in periods:
            self.rows[(received, "registros/pila", "pila")].append({
                "tipo_documento": doc_type, "numero_documento": number, "primer_nombre": first_name, "primer_apellido": "PEÑA",
                "segundo_apellido": "RUIZ", "periodo": period, "nit_aportante": employer,
                "tipo_cotizante": str(contributor_type), "dias_cotizados": str(days),
                "ibc": str(ibc if ibc is not None else SMMLV[int(period[:4])] * days // 30),
            })
        return self

    def exam(self, received: str, number: str, moment: str, on: str, level: str, test: str = "APTIS_GENERAL",
             doc_type: str = "CC") -> "Scenario":
        """An English exam result, delivered in the extract received in `received`."""
        self.rows[(received, "registros/examenes_ingles", "examenes")].append({
            "tipo_documento": doc_type, "numero_documento": number, "prueba": test, "momento": moment,
            "fecha_examen": on, "nivel_mcer": level,
        })
        return self

    def income(self, received: str, number: str, on: str, household_income: int, people: int, doc_type: str = "CC") -> "Scenario":
        """A household income measurement dated `on`, delivered in the extract received in `received`."""
        self.rows[(received, "registros/mediciones_ingreso", "mediciones")].append({
            "tipo_documento": doc_type, "numero_documento": number, "fecha_medicion": on,
            "ingreso_mensual_hogar": str(household_income), "personas_hogar": str(people),
        })
        return self

    def business(self, received: str, number: str, registered_on: str, matricula: str = "05-123456", status: str = "ACTIVA",
                 renewed_for: int | None = None, cancelled_on: str = "", ciiu: str = "4711", doc_type: str = "CC") -> "Scenario":
        """A matrícula mercantil as the chamber's extract received in `received` shows it (a
        later extract with the same `matricula` corrects it)."""
        self.rows[(received, "registros/registro_mercantil", "camara")].append({
            "tipo_documento": doc_type, "numero_documento": number, "codigo_camara": "04", "matricula": matricula,
            "razon_social": "TIENDA DOÑA ANA", "fecha_matricula": registered_on, "estado_matricula": status,
            "ultimo_ano_renovado": "" if renewed_for is None else str(renewed_for), "fecha_renovacion": "",
            "fecha_cancelacion": cancelled_on, "cod_ciiu": ciiu,
        })
        return self

    def enrol_firm(self, month: str, nit: str, enrolled_on: str, operator: str = "OP-031", programme: str = "CREDITO_MIPYME",
                   name: str = "PANADERÍA LA ÑAPA SAS") -> "Scenario":
        """A firm (NIT, razon_social; no person's columns) enrolled by `operator`."""
        self.rows[(month, "inscripciones", f"{operator}_{programme}")].append({
            "operador": operator, "programa": programme, "tipo_documento": "NIT", "numero_documento": nit,
            "razon_social": name, "fecha_inscripcion": enrolled_on,
        })
        return self

    def disbursement(self, received: str, nit: str, on: str, size: str = "MICRO", amount: int = 25_000_000,
                     obligation: str | None = None, lender: str = "890903938-8", term: int | None = 36) -> "Scenario":
        """A credit disbursement to the firm `nit`, reported in the extract received in `received`."""
        self.rows[(received, "registros/desembolsos_credito", "desembolsos")].append({
            "tipo_documento": "NIT", "numero_documento": nit, "entidad": lender,
            "numero_obligacion": obligation or f"OB-{nit}-{on}", "fecha_desembolso": on, "monto": str(amount),
            "tamano_empresa": size, "plazo_meses": "" if term is None else str(term),
        })
        return self

    def enrol_unit(self, month: str, producer: str, unit: str, enrolled_on: str, operator: str = "OP-041") -> "Scenario":
        """A producer unit enrolled by `operator` with its producer's document (AGRO)."""
        self.enrol(month, producer, enrolled_on, operator=operator, programme="AGRO")
        self.rows[(month, "inscripciones", f"{operator}_AGRO")][-1]["unidad_productiva"] = unit
        return self

    def harvest(self, received: str, producer: str, unit: str, on: str, kilograms: int, hectares: str,
                crop: str = "CACAO") -> "Scenario":
        """A productivity measurement of `unit` dated `on`, delivered in the extract received in `received`."""
        self.rows[(received, "registros/mediciones_productividad", "productividad")].append({
            "tipo_documento": "CC", "numero_documento": producer, "unidad_productiva": unit, "cultivo": crop,
            "fecha_medicion": on, "produccion_kg": str(kilograms), "area_ha": hectares,
        })
        return self

    def review(self, month: str, case_id: str, decision: str, reviewer: str = "ana.pena@bucaramanga.gov.co",
               on: str | None = None) -> "Scenario":
        """A reviewer's decision on a second-pass case, received in `month`."""
        self.rows[(month, "revisiones", "revisor")].append({
            "id_caso": case_id, "decision": decision, "revisor": reviewer, "fecha_revision": on or f"{month}-05", "nota": "",
        })
        return self

    def write(self) -> "Scenario":
        for (month, folder, who), rows in self.rows.items():
            path = self.data_dir / "inbox" / month / folder / f"{who.lower()}_{month}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            columns = list(dict.fromkeys(key for row in rows for key in row))
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            path.write_text(buffer.getvalue(), encoding="utf-8")
        reference = self.data_dir / "reference"
        reference.mkdir(parents=True, exist_ok=True)
        (reference / "smmlv.csv").write_text("anio,valor\n" + "".join(f"{y},{v}\n" for y, v in SMMLV.items()))
        (reference / "lineas_pobreza.csv").write_text(
            "anio,dominio,pobreza_extrema,pobreza\n" + "".join(f"{y},{d},{v},\n" for (y, d), v in sorted(self.poverty_lines.items())))
        if self.thresholds:
            (self.data_dir / "linkage.yaml").write_text(yaml.safe_dump(self.thresholds))
        folder = self.data_dir / "contracts"
        folder.mkdir(parents=True, exist_ok=True)
        for terms in self.contracts:
            (folder / f"{terms['contract_id'].lower()}.yaml").write_text(yaml.safe_dump(terms, sort_keys=False))
        return self

    def months(self) -> list[str]:
        return sorted({month for month, _, _ in self.rows})

    def ingest(self, through: str) -> None:
        """Validate every month's files into the warehouse, as the ingest job would. A month with
        no inbox folder needs no partition (the as-of state reads the months received); a month
        whose files have not changed since it was ingested is not ingested again."""
        from pbr_pipeline.core.months import month_range

        for month in month_range(self.months()[0], through):
            folder = self.data_dir / "inbox" / month
            if not folder.is_dir():
                continue
            files = tuple(sorted((str(path), path.stat().st_size, path.stat().st_mtime_ns)
                                 for path in folder.rglob("*") if path.is_file()))
            if self._ingested.get(month) == files:
                continue
            for table in MONTHLY_TABLES:
                valid = validate_table(ingest_table(self.data_dir, month, table).frame, table).valid
                write_partition(valid, self.settings.warehouse, table.name, month)
            self._ingested[month] = files

    def contracts_frame(self) -> pl.DataFrame:
        return contracts_frame(load_contracts(self.data_dir))

    def minimum_wages(self) -> pl.DataFrame:
        raw = ingest_table(self.data_dir, self.months()[0], MINIMUM_WAGES).frame
        return validate_table(raw, MINIMUM_WAGES).valid

    def poverty_lines_frame(self) -> pl.DataFrame:
        raw = ingest_table(self.data_dir, self.months()[0], POVERTY_LINES).frame
        return validate_table(raw, POVERTY_LINES).valid

    def known(self, as_of: str) -> Known:
        self.ingest(as_of)
        return load_known(self.settings.warehouse, self.data_dir, as_of)

    def verdicts(self, as_of: str) -> pl.DataFrame:
        """Each claim's verdict as of `as_of`, in the order claims were received."""
        known = self.known(as_of)
        reference = {"minimum_wages": self.minimum_wages(), "poverty_lines": self.poverty_lines_frame()}
        return judge_claims(known, self.contracts_frame(), reference)

    def verdict(self, as_of: str, row: int = 0) -> tuple[str, str | None]:
        frame = self.verdicts(as_of).sort("inbox_index", "source_file", "source_row")
        return frame["status"][row], frame["reason"][row]
