"""Planned inspections (排查计划): campaigns (专项行动), recurring schedules (检查计划) and the
inspection tasks (检查任务) they generate."""
