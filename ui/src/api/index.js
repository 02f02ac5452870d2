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

export const ordersApi = {
  list: (params) => get('/admin/orders', params),
  get: (id) => get(`/admin/orders/${e(id)}`),
  raw: (id) => get(`/admin/orders/${e(id)}/raw`),
  memo: (id, memo, flag) => post(`/admin/orders/${e(id)}/memo`, { memo, flag }),
  hold: (id, reason, note) => post(`/admin/orders/${e(id)}/hold`, { reason, note }),
  release: (id, reason) => post(`/admin/orders/${e(id)}/release`, { reason }),
  cancel: (id, reason) => post(`/admin/orders/${e(id)}/cancel`, { reason }),
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
