// The order workbench's vocabulary: status tabs (the counts endpoint's keys), date fields, quick ranges.
export const TABS = ['unpaid', 'pending_review', 'to_ship', 'shipped', 'completed', 'cancelled', 'exception', 'all']
export const DATE_FIELDS = ['created', 'paid', 'ship_by', 'updated']
export const QUICK_RANGES = ['today', 'yesterday', '7d']

// links from elsewhere (the dashboard) name an order status: open the tab that holds it
const STATUS_TABS = { awaiting_shipment: 'to_ship', partially_shipped: 'to_ship', pending_payment: 'unpaid' }

export function tabOf(status) {
  if (!status) return 'all'
  if (TABS.includes(status)) return status
  return STATUS_TABS[status] || 'all'
}
