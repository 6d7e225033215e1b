"""What every subject of the owners' plugin builds on (业主大会插件公共部分): the plugin id,
the refusal, the per-district setting and the announcement of the services
(:mod:`.services`), the admin base view and its page helpers (:mod:`.admin`), the acting user
and the template folder of the web pages (:mod:`.views`), the base schema (:mod:`.schemas`)
and the form message (:mod:`.forms`). It imports no subject: every subject imports it."""
