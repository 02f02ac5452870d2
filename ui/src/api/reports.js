import { get } from './client'

// The report routes (issue #26): every figure from the daily aggregates, amounts in fen, days YYYY-MM-DD
// (Asia/Shanghai). Their own module so the shared api/index.js stays untouched by this area.
export const reportsApi = {
  summary: () => get('/admin/reports/summary'),
  daily: (params) => get('/admin/reports/daily', params),
  topSkus: (params) => get('/admin/reports/top-skus', params),
  afterSales: (params) => get('/admin/reports/after-sales', params),
}
