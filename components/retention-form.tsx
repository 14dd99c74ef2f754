'use client';
// The retention rule: its form, a dry run of what it would delete and keep (and why) shown
// before saving, and "apply now" for the saved rule.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { applyRetentionAction, previewRetentionAction, saveRetentionAction } from '@/app/retention/actions';
import type { Jsonified } from '@/lib/backup/json-view';
import type { RetentionPlan, RetentionRule } from '@/lib/backup/retention';
import { formatTime } from './format';
import { useCan } from './session';

type Part = 'keepLast' | 'keepDays' | 'keepDaily' | 'keepWeekly' | 'keepMonthly';
const PARTS: { key: Part; label: string; hint: string }[] = [
  { key: 'keepLast', label: 'Keep the last', hint: 'snapshots' },
  { key: 'keepDays', label: 'Keep everything from the last', hint: 'days' },
  { key: 'keepDaily', label: 'Keep one a day for', hint: 'days' },
  { key: 'keepWeekly', label: 'Keep one a week for', hint: 'weeks' },
  { key: 'keepMonthly', label: 'Keep one a month for', hint: 'months' },
];

type Stored = RetentionRule & { updatedBy: string; updatedAt: string };
type Plan = Jsonified<RetentionPlan>;

const textOf = (value: number | null | undefined) => (value == null ? '' : String(value));

export function RetentionForm({
  stored,
  initialPlan,
  planError,
}: {
  stored: Stored | null;
  initialPlan: Plan | null;
  planError: string | null;
}) {
  const router = useRouter();
  const isAdmin = useCan('admin');
  const [values, setValues] = useState<Record<Part, string>>(
    () => Object.fromEntries(PARTS.map((p) => [p.key, textOf(stored?.[p.key])])) as Record<Part, string>,
  );
  const [plan, setPlan] = useState<Plan | null>(initialPlan);
  // The inputs the plan shown was made for: saving needs a preview of exactly what is saved.
  const [previewed, setPreviewed] = useState<string | null>(initialPlan ? JSON.stringify(values) : null);
  const [status, setStatus] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(
    planError ? { tone: 'bad', text: planError } : null,
  );
  const [pending, startTransition] = useTransition();

  const savedText = JSON.stringify(
    Object.fromEntries(PARTS.map((p) => [p.key, textOf(stored?.[p.key])])) as Record<Part, string>,
  );
  const current = JSON.stringify(values);
  const unsaved = current !== savedText;

  function rule(): Record<string, number | null> | string {
    const out: Record<string, number | null> = {};
    for (const p of PARTS) {
      const text = values[p.key].trim();
      if (text === '') out[p.key] = null;
      else if (!/^\d+$/.test(text) || Number(text) < 1)
        return `${p.label} … ${p.hint}: give a whole number of at least 1, or leave it blank.`;
      else out[p.key] = Number(text);
    }
    return out;
  }

  /** Plans the rule as typed; `keepStatus` leaves the message of what was just done (an apply's) on screen. */
  function preview({ keepStatus = false } = {}) {
    const r = rule();
    if (typeof r === 'string') return setStatus({ tone: 'bad', text: r });
    if (!keepStatus) setStatus(null);
    startTransition(async () => {
      const result = await previewRetentionAction(r);
      if (!result.ok) return setStatus({ tone: 'bad', text: result.message });
      setPlan(result.data);
      setPreviewed(current);
    });
  }

  function save() {
    const r = rule();
    if (typeof r === 'string') return setStatus({ tone: 'bad', text: r });
    startTransition(async () => {
      const result = await saveRetentionAction(r);
      setStatus(
        result.ok
          ? { tone: 'ok', text: 'Saved. It is applied after the next successful backup, or now with "Apply now".' }
          : { tone: 'bad', text: result.message },
      );
      router.refresh();
    });
  }

  function apply() {
    const count = plan?.delete.length ?? 0;
    if (!window.confirm(`Delete ${count} snapshot${count === 1 ? '' : 's'} now, as the saved rule says?`)) return;
    startTransition(async () => {
      const result = await applyRetentionAction({});
      setStatus(
        result.ok
          ? {
              tone: 'ok',
              text: result.data.deleted.length
                ? `Deleted ${result.data.deleted.join(', ')}.`
                : 'Nothing to delete: the rule keeps every snapshot.',
            }
          : { tone: 'bad', text: result.message },
      );
      router.refresh();
      preview({ keepStatus: true });
    });
  }

  const fresh = previewed === current;
  return (
    <>
      <section className="card" aria-labelledby="rule-heading">
        <h2 id="rule-heading">Rule</h2>
        <p className="muted" data-testid="rule-saved">
          {stored
            ? `Saved by ${stored.updatedBy}, ${formatTime(stored.updatedAt)}.`
            : 'No rule saved: every snapshot is kept.'}
        </p>
        <form
          className="retention-form"
          onSubmit={(e) => {
            e.preventDefault();
            preview();
          }}
        >
          {PARTS.map((p) => (
            <label key={p.key} className="retention-part">
              <span>{p.label}</span>
              <input
                name={p.key}
                inputMode="numeric"
                value={values[p.key]}
                placeholder="off"
                onChange={(e) => setValues((v) => ({ ...v, [p.key]: e.target.value }))}
              />
              <span className="muted">{p.hint}</span>
            </label>
          ))}
          <div className="actions">
            <button type="submit" disabled={pending}>
              Preview
            </button>
            {isAdmin && (
              <button
                type="button"
                className="primary"
                disabled={pending || !fresh || !unsaved}
                title={fresh ? undefined : 'Preview the rule first'}
                onClick={save}
              >
                Save rule
              </button>
            )}
            {isAdmin && stored && (
              <button type="button" className="danger" disabled={pending || unsaved || !fresh} onClick={apply}>
                Apply now
              </button>
            )}
          </div>
          {isAdmin && unsaved && !fresh && <p className="muted">Preview the rule to save it.</p>}
        </form>
        {status && (
          <p
            role={status.tone === 'bad' ? 'alert' : 'status'}
            className={status.tone === 'bad' ? 'error-text' : 'ok-text'}
          >
            {status.text}
          </p>
        )}
      </section>
      {plan && (
        <section className="card" aria-labelledby="plan-heading">
          <h2 id="plan-heading">
            {fresh && !unsaved ? 'What the saved rule does now' : 'Dry run: what this rule would do now'}
          </h2>
          <p data-testid="plan-summary">
            <strong>{plan.delete.length}</strong> would be deleted, <strong>{plan.keep.length}</strong> kept
            {fresh ? '' : ' (for the rule as last previewed)'}.
          </p>
          {plan.decisions.length === 0 ? (
            <p className="muted">No snapshots.</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="retention-plan">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Snapshot
                    </th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Why</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.decisions.map((d) => (
                    <tr key={d.id} data-action={d.action}>
                      <td className="num">{d.id}</td>
                      <td>
                        <span className={d.action === 'keep' ? 'badge badge-ok' : 'badge badge-bad'}>
                          {d.action === 'keep' ? 'Keep' : 'Delete'}
                        </span>
                      </td>
                      <td>{d.why.replace(/^(kept|deleted): /, '')}</td>
                      <td className="time">{formatTime(d.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </>
  );
}
