"""Issue 10, acceptance 2: the database itself refuses UPDATE and DELETE on history (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from motcua.documents.models import Document
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierEvent, StepRun
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import PDF, at
from motcua.trust.appendonly import lifted
from motcua.trust.models import Lift

pytestmark = pytest.mark.django_db(transaction=True)


def one(world: Any) -> Dossier:
    d = s.receive_dossier(
        world.clerk, procedure=f.procedure(), unit=world.commune, applicant=world.applicant, now=at(2026, 3, 2, 9)
    )
    s.start_step(world.specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10))
    s.attach_document(
        world.specialist, d, upload=s.Upload("a.pdf", PDF), component="to_khai", now=at(2026, 3, 2, 10, 5)
    )
    return Dossier.objects.get(pk=d.pk)


def refused(statement: str, params: list[Any]) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cur:
        cur.execute(statement, params)
    return str(caught.value)


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        (DossierEvent._meta.db_table, "UPDATE {t} SET payload = '{{}}' WHERE dossier_id = %s"),
        (DossierEvent._meta.db_table, "UPDATE {t} SET actor_label = 'x' WHERE dossier_id = %s"),
        (DossierEvent._meta.db_table, "DELETE FROM {t} WHERE dossier_id = %s"),
        (Document._meta.db_table, "UPDATE {t} SET sha256 = 'x' WHERE dossier_id = %s"),
        (Document._meta.db_table, "DELETE FROM {t} WHERE dossier_id = %s"),
        (StepRun._meta.db_table, "UPDATE {t} SET name = 'x' WHERE dossier_id = %s"),
        (StepRun._meta.db_table, "DELETE FROM {t} WHERE dossier_id = %s"),
        (Dossier._meta.db_table, "DELETE FROM {t} WHERE id = %s"),
    ],
)
def test_direct_update_or_delete_is_refused_with_a_clear_error(world: Any, table: str, statement: str) -> None:
    d = one(world)
    message = refused(statement.format(t=table), [d.pk])
    assert "append-only" in message and table in message and ("UPDATE" in message or "DELETE" in message)
    assert DossierEvent.objects.filter(dossier=d).count() == d.event_count  # nothing changed


def test_an_open_step_run_may_only_be_closed(world: Any) -> None:
    d = one(world)
    s.complete_step(world.specialist, d, now=at(2026, 3, 2, 11))  # the one UPDATE allowed: closing it
    run = StepRun.objects.get(dossier=d)
    assert run.finished_at == at(2026, 3, 2, 11)
    message = refused(
        f"UPDATE {StepRun._meta.db_table} SET finished_at = %s WHERE id = %s", [at(2026, 3, 2, 12), run.pk]
    )
    assert "append-only" in message


def test_lifting_is_recorded_and_lasts_one_transaction(world: Any) -> None:
    d = one(world)
    with lifted("test: correction by migration 9999"), connection.cursor() as cur:
        cur.execute(f"UPDATE {DossierEvent._meta.db_table} SET actor_label = 'x' WHERE dossier_id = %s", [d.pk])
    assert list(Lift.objects.values_list("reason", flat=True)) == ["test: correction by migration 9999"]
    # the lift ended with its transaction
    assert "append-only" in refused(f"DELETE FROM {DossierEvent._meta.db_table} WHERE dossier_id = %s", [d.pk])
    # and its record is itself append-only
    assert "append-only" in refused(f"DELETE FROM {Lift._meta.db_table}", [])
