import { ordersApi } from '../api'

// What an operator types or pastes: platform order numbers (what the platform and the buyer show), or our
// own order ids (`<shop>-<order no>`, what links from the orders page carry). Each becomes orders
// {order_id, order_no}; a number found in two shops gives both; what matches nothing is reported.
export const splitRefs = (text) => [...new Set(String(text || '').split(/[\s,，;；]+/).map((s) => s.trim()).filter(Boolean))]

async function one(ref) {
  const byNo = await ordersApi.list({ order_no: ref, limit: 10 })
  const found = (byNo.items || []).filter((o) => o.order_no === ref)
  if (found.length) return found
  try {
    const order = await ordersApi.get(ref)
    return [order]
  } catch (e) {
    if (e.status === 404 || e.status === 400) return []
    throw e
  }
}

export async function resolveOrders(refs) {
  const orders = []
  const unknown = []
  for (const ref of refs) {
    const found = await one(ref)
    if (!found.length) unknown.push(ref)
    for (const o of found) orders.push({ order_id: o.order_id, order_no: o.order_no })
  }
  return { orders: [...new Map(orders.map((o) => [o.order_id, o])).values()], unknown }
}
