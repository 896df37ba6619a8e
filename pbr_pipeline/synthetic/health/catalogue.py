"""What RIPS rows are made of: providers, the services they bill and the codes they write.

Codes follow the RIPS tables as providers write them: CUPS for consultations and procedures
(890201 first-time consultation by a general practitioner, 881431 obstetric ultrasound, …),
CUM for medicines (`19930367-01`, the product and its presentation), CIE-10 in four
characters without a dot (Z348, B24X, A150), and `finalidadTecnologiaSalud` from table
RIPSFinalidadConsultaVersion2 (23 prenatal care, 25 childbirth and puerperium, 15 diagnosis,
16 treatment, 11 health promotion, 12 early detection). Medicines and newborns carry no
purpose.

The providers are made up (their NITs and REPS codes belong to nobody) but shaped like the
real ones: a public primary-care network, the university hospital, private clinics, an HIV
and tuberculosis programme, a dispensing pharmacy that sends the flat CSV instead of JSON.
Each writes `codSexo` one way: the resolution's table (H hombre, M mujer) or the validator's
(F femenino, M masculino).
"""

from __future__ import annotations

from dataclasses import dataclass

# Service kinds, in the order RIPS JSON lists its arrays.
CONSULTA, PROCEDIMIENTO, URGENCIA, HOSPITALIZACION, RECIEN_NACIDO, MEDICAMENTO, OTRO = range(7)
KIND_CODES: tuple[str, ...] = ("CONSULTA", "PROCEDIMIENTO", "URGENCIA", "HOSPITALIZACION", "RECIEN_NACIDO",
                               "MEDICAMENTO", "OTRO")
"""`tipo_servicio` of the flat CSV, by kind index."""
JSON_ARRAYS: tuple[str, ...] = ("consultas", "procedimientos", "urgencias", "hospitalizacion", "recienNacidos",
                                "medicamentos", "otrosServicios")
"""The `servicios` array of each kind."""

PRENATAL_CARE, CHILDBIRTH, DIAGNOSIS, TREATMENT, PROMOTION, EARLY_DETECTION = "23", "25", "15", "16", "11", "12"


@dataclass(frozen=True)
class Provider:
    nit: str
    """`numDocumentoIdObligado`: the NIT without its check digit."""
    code: str
    """`codPrestador`: the 12-digit REPS code (DIVIPOLA 68001, the provider, the site)."""
    prefix: str
    """Invoice (FEV) prefix."""
    sex_codes: str
    """`HM`: codSexo H (hombre) / M (mujer), the resolution's table; `FM`: F (femenino) / M
    (masculino), the validator's."""
    csv: bool = False
    """Sends the flat CSV of docs/formats.md instead of RIPS JSON."""


PROVIDERS: tuple[Provider, ...] = (
    Provider("890299041", "680010012301", "ISB", "HM"),   # public primary care network
    Provider("890299417", "680010045601", "HUS", "FM"),   # university hospital: births, emergencies
    Provider("900447213", "680010078101", "CLC", "HM"),   # private clinic
    Provider("901188320", "680010093201", "VTB", "FM"),   # HIV and tuberculosis programme
    Provider("900915574", "680010110501", "FAR", "FM", csv=True),  # dispensing pharmacy (flat CSV)
    Provider("900662038", "680010127701", "CMI", "HM"),   # mother-and-child clinic
)
PRIMARY, HOSPITAL, CLINIC, PROGRAMME_IPS, PHARMACY, MATERNITY = range(len(PROVIDERS))


@dataclass(frozen=True)
class Service:
    """A kind of service a provider bills: its RIPS kind, code, purpose and usual value."""

    kind: int
    code: str = ""
    """CUPS (consultations, procedures), CUM (medicines) or the provider's code (other services)."""
    name: str = ""
    """`nomTecnologiaSalud` of a medicine or other service."""
    purpose: str = ""
    value: int = 0
    """`vrServicio` (or the unit value of a medicine), pesos."""
    days: int = 0
    """`diasTratamiento` of a medicine."""
    units_per_day: int = 0


SERVICES: tuple[Service, ...] = (
    Service(CONSULTA, "890201", purpose=PRENATAL_CARE, value=38_500),           # 0 first prenatal control (GP)
    Service(CONSULTA, "890301", purpose=PRENATAL_CARE, value=32_100),           # 1 prenatal control (GP)
    Service(CONSULTA, "890305", purpose=PRENATAL_CARE, value=24_300),           # 2 prenatal control (nurse)
    Service(CONSULTA, "890250", purpose=DIAGNOSIS, value=61_800),               # 3 obstetrician (high-risk)
    Service(PROCEDIMIENTO, "881431", purpose=PRENATAL_CARE, value=74_900),      # 4 obstetric ultrasound
    Service(PROCEDIMIENTO, "902210", purpose=PRENATAL_CARE, value=14_200),      # 5 blood count (prenatal lab)
    Service(PROCEDIMIENTO, "735300", purpose=CHILDBIRTH, value=987_000),        # 6 vaginal delivery
    Service(HOSPITALIZACION),                                                   # 7 stay (childbirth)
    Service(RECIEN_NACIDO),                                                     # 8 newborn
    Service(MEDICAMENTO, "19901214-02", "ACIDO FOLICO 1 MG TABLETA", value=95, days=30, units_per_day=1),  # 9
    Service(URGENCIA),                                                          # 10 emergency
    Service(CONSULTA, "890201", purpose=DIAGNOSIS, value=38_500),               # 11 general consultation
    Service(CONSULTA, "890203", purpose=PROMOTION, value=29_700),               # 12 dental
    Service(PROCEDIMIENTO, "903841", purpose=EARLY_DETECTION, value=8_900),     # 13 blood glucose
    Service(MEDICAMENTO, "19930367-01", "ACETAMINOFEN 500 MG TABLETA", value=60, days=5, units_per_day=3),  # 14
    Service(OTRO, "JERI002", "JERINGA DESECHABLE 10 ML", value=2_014),          # 15 supplies
    Service(CONSULTA, "890263", purpose=DIAGNOSIS, value=64_200),               # 16 infectious diseases
    Service(CONSULTA, "890363", purpose=TREATMENT, value=58_300),               # 17 follow-up (infectious dis.)
    Service(PROCEDIMIENTO, "906249", purpose=DIAGNOSIS, value=312_000),         # 18 HIV viral load
    Service(PROCEDIMIENTO, "901107", purpose=DIAGNOSIS, value=21_500),          # 19 sputum smear (TB)
    Service(MEDICAMENTO, "20104335-01", "EFAVIRENZ/EMTRICITABINA/TENOFOVIR 600/200/300 MG TABLETA",
            value=7_850, days=30, units_per_day=1),                             # 20 antiretroviral
    Service(MEDICAMENTO, "19994377-03", "RIFAMPICINA/ISONIAZIDA/PIRAZINAMIDA/ETAMBUTOL 150/75/400/275 MG TABLETA",
            value=1_120, days=14, units_per_day=4),                             # 21 TB, intensive phase
    Service(MEDICAMENTO, "19994380-01", "RIFAMPICINA/ISONIAZIDA 150/75 MG TABLETA", value=640, days=28,
            units_per_day=4),                                                   # 22 TB, continuation phase
    Service(PROCEDIMIENTO, "890701", purpose=CHILDBIRTH, value=41_000),         # 23 postpartum check
    Service(MEDICAMENTO, "20135667-02", "DOLUTEGRAVIR 50 MG TABLETA", value=9_400, days=30, units_per_day=1),  # 24
)
(FIRST_CONTROL, CONTROL, NURSE_CONTROL, OBSTETRICIAN, ULTRASOUND, PRENATAL_LAB, DELIVERY, DELIVERY_STAY, NEWBORN,
 FOLIC_ACID, EMERGENCY, GENERAL, DENTAL, GLUCOSE, PAINKILLER, SUPPLY, INFECTIOUS_FIRST, INFECTIOUS_FOLLOW_UP,
 VIRAL_LOAD, SPUTUM_SMEAR, ARV, TB_INTENSIVE, TB_CONTINUATION, POSTPARTUM, ARV_DTG) = range(len(SERVICES))

# CIE-10 codes, four characters without a dot.
NORMAL_PREGNANCY = ("Z340", "Z348", "Z349")
"""Supervision of a normal (first, other, unspecified) pregnancy."""
HIGH_RISK_PREGNANCY = ("Z350", "Z352", "Z355", "Z357", "Z358", "Z359")
"""Supervision of a high-risk pregnancy."""
PREGNANCY_CONDITIONS = ("O244", "O990", "O13X", "O234")
"""Gestational diabetes, anaemia, gestational hypertension, urinary infection in pregnancy:
a control written with one of these has purpose 23 and counts by it."""
PREGNANCY_EMERGENCIES = ("O200", "O479", "Z349")
"""Threatened abortion, false labour, a pregnancy check in the emergency room."""
DELIVERY_DX = ("O800", "O801")
NEWBORN_DX = "Z380"
POSTPARTUM_DX = "Z392"
HIV_DX = ("B24X", "B24X", "B200", "Z21X")
TB_DX = ("A150", "A150", "A162", "A179")
CONTACT_DX = {0: "Z206", 1: "Z201"}
"""Contact with and exposure to HIV (0) or tuberculosis (1): screening, in no condition group."""
EVERYDAY_DX = ("J00X", "R51X", "N390", "I10X", "E119", "K297", "M545", "R509", "J029", "L309")
DENTAL_DX = ("K021", "K051", "K036")
EMERGENCY_DX = ("R104", "S610", "J189", "A09X", "T141")

GROUP_DX = (HIV_DX, TB_DX)
GROUP_CATEGORIES: tuple[frozenset[str], ...] = (
    frozenset({"B20", "B21", "B22", "B23", "B24", "Z21"}),
    frozenset({"A15", "A16", "A17", "A18", "A19"}),
)
"""The CIE-10 categories of the condition groups HIV (0) and TB (1): SALUD_TRANSMISIBLES'
default rule."""
GROUP_NAMES = ("HIV", "TB")
