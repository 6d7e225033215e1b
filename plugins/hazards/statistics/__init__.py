"""Figures of hazard governance (隐患排查治理统计): the registers (登记表) and the quarterly and
annual statistics reports that lock when submitted."""
