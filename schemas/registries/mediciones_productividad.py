"""Productivity measurements (`registros/mediciones_productividad`): AGRO reads each producer
unit's harvest and cultivated area from them."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import AREA_PATTERN, hectares_as_square_metres, is_real_date, not_after_inbox_month
from schemas.codes import CROPS, MAX_YIELD_KG_PER_HA
from schemas.documents import DocumentColumns
from schemas.enrolments import UNIT_ID_PATTERN

_WHOLE_NUMBER = r"^\d+$"


class ProductivityMeasurements(DocumentColumns):
    """One measurement of one producer unit's crop: harvest and area, as the agricultural
    extension service delivers it. The unit is the subject; the document is the producer's."""

    unit_id: str = pa.Field(alias="unidad_productiva", nullable=False, metadata={"kind": kinds.CODE, "personal": True}, description="The producer unit, as the AGRO roster names it.")
    crop: str = pa.Field(alias="cultivo", nullable=False, metadata={"kind": kinds.CODE}, description="CACAO, CAFE, BANANO or OTRO.")
    measured_on: str = pa.Field(alias="fecha_medicion", nullable=False, metadata={"kind": kinds.DATE}, description="Date of the measurement.")
    production_kg: str = pa.Field(alias="produccion_kg", nullable=False, metadata={"kind": kinds.INTEGER}, description="Harvest of the period measured, whole kilograms.")
    area_m2: str = pa.Field(alias="area_ha", nullable=False, metadata={"kind": kinds.AREA}, description="Cultivated area; written in hectares (`,` or `.` decimal mark), typed as whole square metres.")

    @pa.check("unidad_productiva", error="unidad_productiva holds letters, digits, '-', '_' and '.', at most 40")
    def unit_id_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(UNIT_ID_PATTERN))

    @pa.check("cultivo", error="cultivo is CACAO, CAFE, BANANO or OTRO")
    def crop_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(CROPS))

    @pa.check("fecha_medicion", error="not a date; write YYYY-MM-DD or DD/MM/YYYY")
    def measured_on_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_medicion", error="the measurement is dated after the month the extract was received")
    def measured_on_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    @pa.check("produccion_kg", error="produccion_kg is whole kilograms, e.g. 1250 (0 for no harvest)")
    def production_whole_kilograms(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER))

    @pa.check("area_ha", error="area_ha is hectares above 0 with at most four decimals, e.g. 2,5 or 2.5")
    def area_in_hectares(cls, data: pa.PolarsData) -> pl.LazyFrame:
        shaped = pl.col(data.key).str.contains(AREA_PATTERN)
        return data.lazyframe.select(shaped & (pl.when(shaped).then(hectares_as_square_metres(data.key)) > 0))

    @pa.check("produccion_kg", error="the yield (produccion_kg / area_ha) is above what the crop can give: "
                                     "check the units (kilograms, hectares)")
    def yield_physically_possible(cls, data: pa.PolarsData) -> pl.LazyFrame:
        # Only rows whose three fields are well formed are judged here; the others already
        # fail the shape rules above.
        square_metres = hectares_as_square_metres("area_ha")
        judged = (pl.col("produccion_kg").str.contains(_WHOLE_NUMBER) & pl.col("area_ha").str.contains(AREA_PATTERN)
                  & (square_metres > 0) & pl.col("cultivo").is_in(CROPS))
        limit = pl.col("cultivo").replace_strict(MAX_YIELD_KG_PER_HA, default=None, return_dtype=pl.Int64)
        # kg × 10,000 ≤ limit (kg/ha) × m²: the yield compared in whole numbers.
        possible = pl.col("produccion_kg").cast(pl.Int64, strict=False) * 10_000 <= limit * square_metres
        return data.lazyframe.select(~judged.fill_null(False) | possible)
