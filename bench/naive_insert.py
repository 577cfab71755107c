"""The reference write of the autosave benchmark: the naive FastAPI + SQLModel insert.

`POST /answers` inserts one row the way a tutorial does (a synchronous route in the thread
pool, a session, `add`, `commit`, `refresh`). /work/shared/MACHINE-NOTES.md measured this path
at ~170 requests/s on PostgreSQL with one worker on these 2 cores: the floor the real autosave
must beat (issue 20: ≥ 1.8× this, measured in the same run). Its table lives in the survey's
bench database beside the service's own tables. Served by bench/run.py with
`uvicorn --factory naive_insert:create_app`, the database in NAIVE_DATABASE_URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy import JSON, Column
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, create_engine
from sqlmodel.main import default_registry


class NaiveAnswer(SQLModel, table=True):
    __tablename__ = "bench_naive_answer"
    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int
    key: str = Field(max_length=63)
    value: object = Field(sa_column=Column(JSON))
    author: str = Field(max_length=200)


class AnswerIn(SQLModel):
    invitation_id: int
    key: str
    value: str
    author: str


def session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as opened:
        yield opened


SessionDep = Annotated[Session, Depends(session)]


def health() -> dict[str, str]:
    return {"status": "ok"}


def save(body: AnswerIn, db: SessionDep) -> NaiveAnswer:
    row = NaiveAnswer.model_validate(body)
    db.add(row)
    db.commit()
    db.refresh(row)
    return row


def create_app() -> FastAPI:
    # One connection per thread of the pool (40): a route never waits for a connection, which
    # under load starved the default pool of 5 + 10 into timeouts rather than measuring inserts.
    engine: Engine = create_engine(os.environ["NAIVE_DATABASE_URL"], pool_size=40, max_overflow=0)
    default_registry.metadata.create_all(engine, tables=[NaiveAnswer.__table__])  # type: ignore[attr-defined]
    app = FastAPI()
    app.state.engine = engine
    app.get("/health")(health)
    app.post("/answers")(save)
    return app
