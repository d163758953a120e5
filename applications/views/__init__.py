"""Pages of applications, one module per audience: ``applicant`` (home, profile, application, achievements,
evidence, timeline), ``enterprise`` (the contact's internal notice and the chairman's nomination),
``audit`` (queues, the application's page, the actions of every role)."""
