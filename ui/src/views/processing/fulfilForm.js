// The fulfilment rules' dialog form <-> the API's rule (domain/fulfil_rules.py). Lists are typed as text
// (comma or new line separated); amounts in yuan on screen, fen in the API.
export const KINDS = ['warehouse', 'carrier', 'gift', 'unreachable']

const list = (text) => String(text || '').split(/[,，\n]/).map((s) => s.trim()).filter(Boolean)
const text = (values) => (values || []).join(', ')
const fen = (yuan) => (yuan === null || yuan === undefined || yuan === '' ? 0 : Math.round(Number(yuan) * 100))
const yuanOf = (value) => (value ? value / 100 : null)

export function newForm(kind, priority) {
  const base = { rule_id: '', name: '', priority, enabled: true, shops: [], regions: '' }
  if (kind === 'warehouse') return { ...base, warehouses: [] }
  if (kind === 'carrier') {
    return { ...base, account_id: '', fallback_account_id: '', min_weight_g: 0, max_weight_g: null, min_paid: null,
      max_paid: null, skus: '', cod: 'any' }
  }
  if (kind === 'gift') {
    return { ...base, gift_skus: '', quantity: 1, buy_skus: '', buy_goods: '', min_quantity: 1, min_paid: null, window: [],
      per_buyer_limit: 0, total_limit: 0, skip_when_out: true }
  }
  return { carrier_code: '', regions: '' }
}

export function toForm(kind, rule) {
  if (kind === 'unreachable') return { carrier_code: rule.carrier_code, regions: text(rule.regions) }
  const form = { ...newForm(kind, rule.priority), ...rule, shops: [...(rule.shops || [])], regions: text(rule.regions) }
  if (kind === 'carrier') {
    Object.assign(form, { skus: text(rule.skus), min_paid: yuanOf(rule.min_paid_fen), max_paid: yuanOf(rule.max_paid_fen),
      cod: rule.cod === null || rule.cod === undefined ? 'any' : (rule.cod ? 'yes' : 'no'), fallback_account_id: rule.fallback_account_id || '' })
  }
  if (kind === 'gift') {
    Object.assign(form, { gift_skus: text(rule.gift_skus), buy_skus: text(rule.buy_skus), buy_goods: text(rule.buy_goods), min_paid: yuanOf(rule.min_paid_fen),
      window: rule.starts_at && rule.ends_at ? [rule.starts_at, rule.ends_at] : [] })
  }
  return form
}

export function toRule(kind, form) {
  if (kind === 'unreachable') return { carrier_code: form.carrier_code.trim(), regions: list(form.regions) }
  const rule = { name: form.name, priority: Number(form.priority) || 0, enabled: form.enabled, shops: form.shops, regions: list(form.regions) }
  if (form.rule_id) rule.rule_id = form.rule_id
  if (kind === 'warehouse') return { ...rule, warehouses: form.warehouses }
  if (kind === 'carrier') {
    const out = { ...rule, account_id: form.account_id, min_weight_g: Number(form.min_weight_g) || 0,
      max_weight_g: form.max_weight_g === null || form.max_weight_g === '' ? null : Number(form.max_weight_g),
      min_paid_fen: fen(form.min_paid), max_paid_fen: form.max_paid ? fen(form.max_paid) : null, skus: list(form.skus),
      cod: form.cod === 'any' ? null : form.cod === 'yes' }
    if (form.fallback_account_id) out.fallback_account_id = form.fallback_account_id
    return out
  }
  const [starts, ends] = form.window || []
  return { ...rule, gift_skus: list(form.gift_skus), quantity: Number(form.quantity) || 1, buy_skus: list(form.buy_skus),
    buy_goods: list(form.buy_goods),
    min_quantity: list(form.buy_skus).length || list(form.buy_goods).length ? Number(form.min_quantity) || 1 : 0, min_paid_fen: fen(form.min_paid),
    starts_at: starts || null, ends_at: ends || null, per_buyer_limit: Number(form.per_buyer_limit) || 0,
    total_limit: Number(form.total_limit) || 0, skip_when_out: form.skip_when_out }
}
