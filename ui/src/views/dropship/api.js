// The drop-shipping admin calls (chalicelib/api/dropship.py and api/supplier.py).
import { ref } from 'vue'
import { get, post, put, request } from '../../api/client'

const e = encodeURIComponent

export const dropshipApi = {
  suppliers: () => get('/admin/suppliers', { limit: 200 }),
  assign: (order_ids, supplier_id) => post('/admin/dropship/assign', { order_ids, supplier_id }),
  assignLines: (orderId, supplier_id, line_ids) => put(`/admin/dropship/orders/${e(orderId)}/lines`, { supplier_id, line_ids }),
  assignByRule: (order_ids) => post('/admin/dropship/assign-by-rule', { order_ids }),
  autoShops: () => get('/admin/dropship/auto'),
  setAuto: (shopId, enabled) => put(`/admin/dropship/auto/${e(shopId)}`, { enabled }),
  supplierStockUp: (supplierId) => get(`/admin/dropship/suppliers/${e(supplierId)}/stock-up`),
  warehouseStockUp: (warehouseId) => get(`/admin/dropship/warehouses/${e(warehouseId)}/stock-up`),
  myOrders: (params) => get('/admin/supplier/orders', params),
  ship: (order_no, carrier_code, tracking_no) => post('/admin/supplier/shipments', { order_no, carrier_code, tracking_no }),
  upload: (file_base64) => post('/admin/supplier/shipments/import', { file_base64 }),
  myStockUp: () => get('/admin/supplier/stock-up'),
}

// a CSV the API answers (format=csv), saved under `name`
export async function downloadCsv(path, name) {
  const res = await request('GET', path, { params: { format: 'csv' }, raw: true, headers: { Accept: 'text/csv' } })
  const blob = await res.blob()
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
}

export function fileBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).split(',')[1] || '')
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(file)
  })
}

// supplier names by id, read once per page load (a seller has few suppliers)
const names = ref(null)
export function useSupplierNames() {
  if (names.value === null) {
    names.value = {}
    dropshipApi.suppliers().then((r) => { names.value = Object.fromEntries(r.items.map((s) => [s.supplier_id, s.name])) }).catch(() => {})
  }
  return { supplierName: (id) => names.value[id] || id }
}
