// Every admin API call the UI makes, by page. Paths are the documented admin routes (chalicelib/api/*.py).
import { get, post, put, patch, del, request } from './client'

const e = encodeURIComponent

export const authApi = {
  login: (username, password) => post('/admin/auth/login', { username, password }),
  me: () => get('/admin/auth/me'),
  changePassword: (old_password, new_password) => post('/admin/auth/password', { old_password, new_password }),
}

export const usersApi = {
  list: () => get('/admin/users'),
  create: (body) => post('/admin/users', body),
  update: (username, body) => patch(`/admin/users/${e(username)}`, body),
}

export const apiTokensApi = {
  list: (username) => get('/admin/api-tokens', username ? { username } : undefined),
  create: (body) => post('/admin/api-tokens', body),
  revoke: (tokenId) => del(`/admin/api-tokens/${e(tokenId)}`),
}

export const ordersApi = {
  list: (params) => get('/admin/orders', params),
  counts: (params) => get('/admin/orders/counts', params),
  dashboard: () => get('/admin/dashboard'),
  get: (id) => get(`/admin/orders/${e(id)}`),
  raw: (id) => get(`/admin/orders/${e(id)}/raw`),
  memo: (id, memo, flag) => post(`/admin/orders/${e(id)}/memo`, { memo, flag }),
  hold: (id, reason, note) => post(`/admin/orders/${e(id)}/hold`, { reason, note }),
  release: (id, reason) => post(`/admin/orders/${e(id)}/release`, { reason }),
  cancel: (id, reason) => post(`/admin/orders/${e(id)}/cancel`, { reason }),
}

// 改单: gift lines by hand before the ERP takes the order (chalicelib/api/manual_orders.py)
export const orderEditsApi = {
  addGift: (orderId, revision, sku_code, quantity) => post(`/admin/order-edits/${e(orderId)}/gift-lines`, { revision, sku_code, quantity }),
  removeGift: (orderId, revision, line_id) => post(`/admin/order-edits/${e(orderId)}/gift-lines/remove`, { revision, line_id }),
}

// 合单 / 拆单 (chalicelib/api/fulfilments.py)
export const parcelsApi = {
  ofOrder: (orderId) => get(`/admin/orders/${e(orderId)}/parcels`),
  merge: (order_ids) => post('/admin/fulfilments/merge', { order_ids }),
  unmerge: (id) => post(`/admin/fulfilments/${e(id)}/unmerge`),
  splitOut: (id, order_id) => post(`/admin/fulfilments/${e(id)}/split-out`, { order_id }),
  split: (orderId, body) => post(`/admin/orders/${e(orderId)}/split`, body),
  unsplit: (orderId) => post(`/admin/orders/${e(orderId)}/unsplit`),
  proposals: (shopId) => get(`/admin/shops/${e(shopId)}/merge-proposals`),
  waybills: (fulfilment_ids) => post('/admin/fulfilments/waybills', { fulfilment_ids }),
  settings: (shopId) => get(`/admin/shops/${e(shopId)}/fulfilment-settings`),
  saveSettings: (shopId, { merge_mode, weight_limit_g, auto_split, revision }) =>
    put(`/admin/shops/${e(shopId)}/fulfilment-settings`, { merge_mode, weight_limit_g, auto_split, revision }),
}

export const syncApi = {
  health: () => get('/admin/sync'),
  logs: (shopId, stream) => get(`/admin/sync/${e(shopId)}/${e(stream)}/logs`),
  now: (shopId) => post(`/admin/sync/${e(shopId)}/now`),
  pullOrder: (shop_id, order_no) => post('/admin/repair/pull-order', { shop_id, order_no }),
  resync: (body) => post('/admin/repair/resync', body),
  dlqCounts: () => get('/admin/dlq'),
  dlqPeek: (queue) => get(`/admin/dlq/${e(queue)}`),
  dlqRedrive: (queue) => post(`/admin/dlq/${e(queue)}/redrive`),
}

export { get, post, put, patch, del, request }

export const afterSalesApi = {
  list: (params) => get('/admin/after-sales', params),
  counts: (shop_id) => get('/admin/after-sales/counts', { shop_id }),
  get: (id) => get(`/admin/after-sales/${e(id)}`),
  act: (id, verb, body) => post(`/admin/after-sales/${e(id)}/${e(verb)}`, body),
  rejectReasons: (platform) => get('/admin/reject-reasons', { platform }),
}

export const shopsApi = {
  list: (params) => get('/admin/shops', params),
  update: (shopId, body) => patch(`/admin/shops/${e(shopId)}`, body),
  archive: (shopId) => del(`/admin/shops/${e(shopId)}`),
  skus: (shopId, params) => get(`/admin/shops/${e(shopId)}/skus`, params),
  pullCatalog: (shopId) => post(`/admin/shops/${e(shopId)}/catalog/pull`),
}

// The e-waybill contract (briefs/shipping-api.md: chalicelib/api/waybills.py)
const pdf = async (path, body) => (await request('POST', path, { body, raw: true, headers: { Accept: 'application/pdf' } })).blob()
export const shippingApi = {
  carriers: (shopId) => get(`/admin/shops/${e(shopId)}/carriers`),
  accounts: (shop_id) => get('/admin/waybill-accounts', { shop_id }),
  pullAccounts: (shopId) => post(`/admin/shops/${e(shopId)}/waybill-accounts/pull`),
  setDefault: (shopId, account_id) => put(`/admin/shops/${e(shopId)}/default-waybill-account`, { account_id }),
  issue: (order_ids, account_id, merge, account_shop_id) => post('/admin/waybills', { order_ids, account_id: account_id || undefined, merge: !!merge, account_shop_id: account_shop_id || undefined }),
  list: (params) => get('/admin/waybills', params),
  get: (id) => get(`/admin/waybills/${e(id)}`),
  cancel: (id) => post(`/admin/waybills/${e(id)}/cancel`),
  printJobs: (waybill_ids, printer, preview) => post('/admin/print-jobs', { waybill_ids, printer, preview: !!preview }),
  printed: (waybill_ids) => post('/admin/waybills/printed', { waybill_ids }),
  labels: (waybill_ids, size) => pdf('/admin/labels', { waybill_ids, size: size || '100x150' }),
  picklist: (order_ids) => pdf('/admin/picklists', { order_ids }),
  ship: (waybill_ids) => post('/admin/waybills/ship', { waybill_ids }),
  forOrder: (orderId) => get(`/admin/orders/${e(orderId)}/shipments`),
  shipments: (params) => get('/admin/shipments', params),
  refreshTracking: (id) => post(`/admin/waybills/${e(id)}/tracking/refresh`),
}

export const auditApi = {
  list: (params) => get('/admin/audit', params),
}

export const warehousesApi = {
  list: () => get('/admin/warehouses'),
  create: (body) => post('/admin/warehouses', body),
  update: (id, body) => patch(`/admin/warehouses/${e(id)}`, body),
  stock: (id, params) => get(`/admin/warehouses/${e(id)}/stock`, params),
  skuStock: (code) => get(`/admin/stock/${e(code)}/warehouses`),
  documents: (params) => get('/admin/stock-documents', params),
  createDocument: (body) => post('/admin/stock-documents', body),
  act: (docId, verb) => post(`/admin/stock-documents/${e(docId)}/${verb}`),
  reconcileReports: () => get('/admin/stock/reconcile-reports'),
  reconcile: () => post('/admin/stock/reconcile'),
}

// the order processing center (订单处理): review rules, the exception center, the blacklist
export const processingApi = {
  config: () => get('/admin/review/config'),
  saveRules: (version, rules) => put('/admin/review/rules', { version, rules }),
  setAutoReview: (shopId, version, on) => put(`/admin/review/shops/${encodeURIComponent(shopId)}/auto`, { version, on }),
  addBlacklist: (body) => post('/admin/review/blacklist', body),
  removeBlacklist: (version, key) => post('/admin/review/blacklist/remove', { version, key }),
  confirm: (orderIds, revisions) => post('/admin/review/confirm', { order_ids: orderIds, revisions: revisions || {} }),
  counts: () => get('/admin/exceptions/counts'),
  held: (params) => get('/admin/exceptions', params),
  release: (orderIds) => post('/admin/exceptions/release', { order_ids: orderIds }),
  cancel: (orderIds, reason) => post('/admin/exceptions/cancel', { order_ids: orderIds, reason }),
  pending: (params) => get('/admin/orders', { status: 'awaiting_shipment', erp_handoff: 'not_ready', ...params }),
  atRisk: (params) => get('/admin/exceptions/at-risk', params),
  job: (jobId) => get(`/admin/jobs/${encodeURIComponent(jobId)}`),
}

export const fulfilApi = {
  rules: () => get('/admin/fulfilment/rules'),
  save: (kind, version, rules) => put('/admin/fulfilment/rules', { kind, version, rules }),
  plan: (orderId) => get(`/admin/fulfilment/orders/${encodeURIComponent(orderId)}/plan`),
  override: (orderId, accountId, revision) => put(`/admin/fulfilment/orders/${encodeURIComponent(orderId)}/account`, { account_id: accountId, revision }),
}
