// Price alerts: which of the alerts the server delivered are shown, under
// the shopper's local daily cap. Pure functions; the background does the I/O.

/** The local calendar day of a date, "YYYY-MM-DD". */
export function localDay(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * Splits alerts into those to show and those dropped by the local daily cap.
 * counter is {day, count} of notifications already shown (from storage);
 * the returned counter is the one to store afterwards.
 */
export function applyDailyCap(alerts, counter, cap, now) {
  const day = localDay(now);
  let count = counter && counter.day === day ? counter.count : 0;
  const show = [];
  const dropped = [];
  for (const a of alerts) {
    if (count < cap) {
      show.push(a);
      count++;
    } else {
      dropped.push(a);
    }
  }
  return { show, dropped, counter: { day, count } };
}

/** Keeps only well-formed alerts from a /v1/alerts answer. */
export function validAlerts(answer) {
  const list = answer && Array.isArray(answer.alerts) ? answer.alerts : [];
  return list.filter((a) => a && typeof a.id === 'string' && typeof a.title === 'string' && a.price && typeof a.price.amount === 'string');
}
