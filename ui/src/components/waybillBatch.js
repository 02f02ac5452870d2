// The batch e-waybill actions the orders page and the shipping page share. Each fills a BatchResults
// model ({open, title, rows, done}) with one row per order or waybill, as the API answers per item.
import { t } from '../i18n'
import { shippingApi } from '../api'
import { errorText } from './feedback'
import { printWaybills } from './printing'

const CHUNK = 100     // the API's most order_ids / waybill_ids per call

function start(results, title, keys) {
  Object.assign(results, { open: true, title, rows: keys.map((k) => ({ order_no: k, ok: null, message: '' })), done: 0 })
}

function fail(results, from, to, e) {
  for (let i = from; i < to; i += 1) Object.assign(results.rows[i], { ok: false, message: errorText(e) })
}

const errorOf = (r) => (r.error ? errorText(r.error) : '')

// orders: [{order_id, order_no}] -> the issued (or already active) waybill of each order
export async function issueWaybills(results, orders, { accountId = '', merge = false, accountShopId = '' } = {}) {
  start(results, t('orders.getWaybill'), orders.map((o) => o.order_no || o.order_id))
  const issued = []
  for (let i = 0; i < orders.length; i += CHUNK) {
    const part = orders.slice(i, i + CHUNK)
    try {
      const r = await shippingApi.issue(part.map((o) => o.order_id), accountId, merge, accountShopId)
      r.results.forEach((x, j) => {
        const row = results.rows[i + j]
        row.ok = !!x.ok
        row.message = x.ok ? `${x.waybill.carrier_code} ${x.waybill.waybill_no}` : errorOf(x)
        if (x.ok) issued.push(x.waybill)
      })
    } catch (e) { fail(results, i, i + part.length, e) }
    results.done = Math.min(orders.length, i + part.length)
  }
  return issued
}

export async function printBatch(results, waybills, options) {
  start(results, t('orders.print'), waybills.map((w) => `${w.carrier_code} ${w.waybill_no}`))
  const byId = await printWaybills(waybills, options)
  waybills.forEach((w, i) => {
    const r = byId[w.waybill_id] || { ok: false, message: '' }
    Object.assign(results.rows[i], { ok: r.ok, message: r.ok ? t(`shipping.printedVia.${r.via}`) : r.message })
  })
  results.done = waybills.length
}

export async function shipBatch(results, waybills) {
  start(results, t('orders.ship'), waybills.map((w) => `${w.carrier_code} ${w.waybill_no}`))
  for (let i = 0; i < waybills.length; i += CHUNK) {
    const part = waybills.slice(i, i + CHUNK)
    try {
      const r = await shippingApi.ship(part.map((w) => w.waybill_id))
      const byId = Object.fromEntries(r.results.map((x) => [x.waybill_id, x]))
      part.forEach((w, j) => {
        const x = byId[w.waybill_id] || {}
        Object.assign(results.rows[i + j], { ok: !!x.ok, message: x.ok ? `${t('shipping.shipmentId')} ${x.waybill?.shipment_id || ''}` : errorOf(x) })
      })
    } catch (e) { fail(results, i, i + part.length, e) }
    results.done = Math.min(waybills.length, i + part.length)
  }
}

// the active (not cancelled) waybills of some orders
export async function activeWaybills(orderIds) {
  const found = []
  for (const id of orderIds) {
    const page = await shippingApi.list({ order_id: id })
    found.push(...page.items.filter((w) => w.status !== 'cancelled'))
  }
  const seen = new Set()
  return found.filter((w) => (seen.has(w.waybill_id) ? false : seen.add(w.waybill_id)))
}
