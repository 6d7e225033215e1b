"""The property service (物业服务): property companies, the service contract of a compound with
its notice dates, the compound's service model, residents' complaints with deadlines and
ratings (and their portal page), disputes referred to mediation, and joint meetings
(联席会议) whose decisions are published."""
