"""Benchmarks of the platform (基准测试). Run ``python -m bench`` (all) or ``python -m bench NAME``.

Rules: every benchmark builds its own data at a scale it states, and prints its figures as
ratios against a baseline measured in the same run. Nothing here asserts a timing; the
figures and their interpretation live in ``docs/performance.md``.

This package must stay import-free: ``bench._startup_child`` is timed from interpreter start.
"""

# name -> (module, one-line description); each module has ``main(argv)``
BENCHMARKS = {
    "startup": ("bench.startup", "application start-up vs a bare Flask-Admin app"),
    "lowcode": ("bench.lowcode", "200-field form; filtering 100,000 records on a custom field"),
    "timebank": ("bench.timebank", "balance reads, postings and the approval queue at scale"),
    "socialorgs": ("bench.socialorgs", "public search of 50,000 social organisations vs raw SQL"),
    "hazards": ("bench.hazards", "overdue dashboard of 200,000 hazards vs raw SQL"),
    "lists": ("bench.lists", "admin list pages 1 and 1000 at 1,000,000 hazards vs raw SQL"),
    "search": ("bench.search", "admin list search at 1,000,000 hazards: trigram index vs LIKE"),
    "owners": ("bench.owners", "tally of 5,000 units and 5,000 ballots; fund statement vs raw SQL"),
    "api": ("bench.api", "import 100,000 rows; export 1,000,000; API list under gunicorn"),
}
