// Days, amounts and the links from every report figure to the orders behind it.
// Days are Asia/Shanghai days (the aggregates' and the order list's clock), whatever the browser's zone.

export const MAX_DAYS = 92
// the order time an aggregate day counts an order by (the day it was placed: domain/report_aggregates.py):
// the list filters on the same field, so a figure and the list it opens agree
export const REPORT_DATE_FIELD = 'created'
const SHANGHAI_MS = 8 * 3600 * 1000

export function shanghaiToday(now = Date.now()) {
  return new Date(now + SHANGHAI_MS).toISOString().slice(0, 10)
}

export function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

export function daysBetween(first, last) {
  return Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86400000) + 1
}

// the last `n` days up to and including `today`
export function lastDays(today, n) {
  return [addDays(today, -(n - 1)), today]
}

// ¥12,345.67: yuan with two decimals, grouped (the API speaks fen)
export function money(fen) {
  if (fen === null || fen === undefined) return '-'
  return `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}

export function percent(rate) {
  if (rate === null || rate === undefined) return '-'
  return `${(rate * 100).toFixed(1)}%`
}

export function shipTime(seconds, t) {
  if (!seconds) return '-'
  const hours = seconds / 3600
  return hours < 1 ? t('reports.minutesShort', { n: Math.round(seconds / 60) })
    : t('reports.hoursShort', { n: hours.toFixed(1) })
}

// What a series key names: `by=shop` keys are shop ids, `by=platform` platform codes, `by=total` all orders
export function seriesFilter(by, key) {
  if (by === 'shop') return { shop_id: key }
  if (by === 'platform') return { platform: key }
  return {}
}

// The orders workbench (/orders) with the filters of a figure: the same day field and days as the report
export function ordersLink({ from, to, range, date_field = REPORT_DATE_FIELD, ...filters } = {}) {
  const query = { ...dropEmpty(filters), date_field }
  if (range) query.range = range
  else Object.assign(query, { date_from: from, date_to: to || from })
  return { path: '/orders', query }
}

export function afterSalesLink(filters = {}) {
  return { path: '/after-sales', query: dropEmpty(filters) }
}

function dropEmpty(filters) {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== null && v !== ''))
}

// A series' figures over every day of a range, summed (the API gives one F per day)
export const FIGURES = ['orders', 'units', 'gmv_fen', 'refunds', 'refund_fen', 'shipped', 'shipped_late']

export function sumPoints(points) {
  const out = Object.fromEntries(FIGURES.map((k) => [k, 0]))
  let shipSeconds = 0
  let timed = 0
  for (const p of points || []) {
    for (const k of FIGURES) out[k] += p?.[k] || 0
    // a day's average weighs by its shipped orders; a day with no ship time known (the platform said
    // shipped without when) has no average and must not pull the others towards zero
    if (p?.avg_ship_seconds) {
      shipSeconds += p.avg_ship_seconds * (p.shipped || 1)
      timed += p.shipped || 1
    }
  }
  out.avg_ship_seconds = timed ? Math.round(shipSeconds / timed) : 0
  return out
}

// today vs yesterday: +12.5% / -3.0% / null when yesterday had nothing to compare with
export function change(today, yesterday) {
  if (!yesterday) return null
  return (today - yesterday) / yesterday
}
