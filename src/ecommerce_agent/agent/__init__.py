"""The agent: one `Agent.handle(user, session, message) -> Turn` for every channel.

Pipeline (runner.py): input guardrails → language understanding → dialogue
state → policy check → tool call → reply → output guardrails, with a trace.
    state.py    the persisted dialogue state (pending action, references)
    tools.py    typed tools bound to one authenticated user (ToolContext)
    flows.py    what to do for an understood message: typed outcomes
    replies.py  Korean 존댓말 templates, number/date formatting, cards
    runner.py   orchestration, persistence, metrics
"""
