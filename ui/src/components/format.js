import { t } from '../i18n'

export function yuan(fen) {
  if (fen === null || fen === undefined) return '-'
  return `¥${(fen / 100).toFixed(2)}`
}

export function dateTime(iso) {
  if (!iso) return '-'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

export function lag(seconds) {
  if (seconds === null || seconds === undefined) return t('dashboard.never')
  if (seconds < 120) return t('dashboard.seconds', { n: seconds })
  if (seconds < 7200) return t('dashboard.minutes', { n: Math.round(seconds / 60) })
  return t('dashboard.hours', { n: Math.round(seconds / 3600) })
}

export function lagType(seconds) {
  if (seconds === null || seconds === undefined) return 'info'
  if (seconds < 600) return 'success'
  if (seconds < 3600) return 'warning'
  return 'danger'
}

export const ORDER_STATUSES = ['pending_payment', 'awaiting_shipment', 'partially_shipped', 'shipped', 'completed', 'cancelled']
export const HOLD_REASONS = ['unlinked_sku', 'refund_requested', 'out_of_stock', 'address_issue', 'buyer_message', 'manual_hold', 'rule_hold', 'blacklisted', 'merge_candidate', 'price_anomaly', 'presale_waiting']
export const MANUAL_HOLDS = ['manual_hold', 'address_issue', 'buyer_message']
export const HANDOFFS = ['not_ready', 'ready', 'taken', 'acknowledged', 'withdrawn']
export const PLATFORMS = ['taobao', 'jd', 'pdd', 'douyin', 'wechat', 'kuaishou', 'xhs']
export const CARRIERS = ['ZTO', 'YTO', 'STO', 'YUNDA', 'SF', 'JD', 'EMS', 'JTSD', 'DBL', 'YZPY']

export function statusType(status) {
  return { pending_payment: 'info', awaiting_shipment: 'warning', partially_shipped: 'warning', shipped: 'primary', completed: 'success', cancelled: 'info' }[status] || 'info'
}

export function shopStatusType(status) {
  return { active: 'success', paused: 'info', reauth_needed: 'danger', rate_limited: 'warning', disabled: 'info' }[status] || 'info'
}

// A shop added and never authorised waits for authorisation (待授权); it does not need a "re"-authorisation.
// The shops list knows its token; the sync list only the reason the backend wrote when it added the shop.
export function neverAuthorised(shop) {
  if (!shop || shop.status !== 'reauth_needed') return false
  return 'token_expires_at' in shop ? !shop.token_expires_at : /^awaiting authorisation/.test(shop.status_reason || '')
}

export function shopStatusLabel(shop) {
  return neverAuthorised(shop) ? t('shopStatus.awaiting') : t(`shopStatus.${shop.status}`)
}
