// The order workbench's vocabulary: status tabs (the counts endpoint's keys), date fields, quick ranges.
export const TABS = ['unpaid', 'pending_review', 'to_ship', 'shipped', 'completed', 'cancelled', 'exception', 'all']
// 待打单 / 已打单未发货: lists the API serves with `print=` (a sparse index, no counter: no badge)
export const PRINT_TABS = ['to_print', 'printed']
// the tabs as shown: the printing desk's two right after 待发货
export const VIEW_TABS = [...TABS.slice(0, 3), ...PRINT_TABS, ...TABS.slice(3)]
export const DATE_FIELDS = ['created', 'paid', 'ship_by', 'updated']
export const QUICK_RANGES = ['today', 'yesterday', '7d']

// links from elsewhere (the dashboard) name an order status: open the tab that holds it
const STATUS_TABS = { awaiting_shipment: 'to_ship', partially_shipped: 'to_ship', pending_payment: 'unpaid' }

export function tabOf(status, print) {
  if (PRINT_TABS.includes(print)) return print
  if (!status) return 'all'
  if (TABS.includes(status)) return status
  return STATUS_TABS[status] || 'all'
}
