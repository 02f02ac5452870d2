export const AS_STATUSES = ['pending_review', 'awaiting_buyer_return', 'awaiting_buyer_action', 'awaiting_seller_receipt', 'awaiting_reship',
  'seller_processing', 'platform_processing', 'refunded', 'reshipped', 'rejected', 'closed', 'failed']
export const AS_TYPES = ['refund_only', 'return_and_refund', 'exchange', 'reissue', 'repair', 'price_protection', 'intercept', 'other']

// the seller's actions by case status (the API and the platform refuse the others anyway)
export const ACTIONS = {
  approve: ['pending_review', 'awaiting_seller_receipt'],
  reject: ['pending_review', 'awaiting_seller_receipt'],
  'approve-return': ['pending_review'],
  'confirm-received': ['awaiting_seller_receipt', 'awaiting_buyer_return'],
  reissue: ['pending_review', 'awaiting_reship', 'seller_processing'],
}

export function statusTag(status) {
  if (status === 'pending_review' || status === 'awaiting_seller_receipt' || status === 'awaiting_reship') return 'warning'
  if (status === 'refunded' || status === 'reshipped') return 'success'
  if (status === 'rejected' || status === 'failed') return 'danger'
  return 'info'
}
