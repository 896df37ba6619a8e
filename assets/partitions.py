"""The month: the unit in which files arrive, the pipeline runs and tables are partitioned."""

import warnings

import dagster as dg

# Partitioned asset checks (dagster 1.13) are in preview; without `partitions_def` a check on a
# partitioned asset would load every month, so the pipeline uses them knowingly.
warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning)

PLAN_START = "2024-01"
"""First month of the Development Plan 2024–2027."""

monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=PLAN_START,
    fmt="%Y-%m",
    timezone="America/Bogota",
)
"""Keys are `YYYY-MM`, the names of the inbox folders."""
