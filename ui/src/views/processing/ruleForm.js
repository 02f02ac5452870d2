// The review rule language as the editor shows it (chalicelib/domain/review_rules.py is the source of truth:
// the API refuses anything else, naming the field). Each field lists its operators and the value each takes.
const NUMBER = { gt: 'int', gte: 'int', lt: 'int', lte: 'int', eq: 'int' }
const LIST = { in: 'strings', not_in: 'strings' }
const TEXT = { present: 'none', absent: 'none', contains_any: 'words' }
const FLAG = { is: 'bool' }

export const FIELDS = {
  buyer_memo: TEXT, seller_memo: TEXT, shop: LIST, platform: LIST, province: LIST, city: LIST,
  paid_fen: NUMBER, quantity: NUMBER, sku: { any_in: 'strings', none_in: 'strings' }, seller_flag: { in: 'ints' },
  order_type: LIST, ship_by_hours: { lt: 'int', lte: 'int' }, receiver_incomplete: FLAG, blacklisted: FLAG,
  merge_candidate: FLAG, below_list_price_pct: { gte: 'int' },
}
export const ACTIONS = ['hold', 'pass', 'require_person', 'set_memo', 'set_flag']
export const RULE_HOLDS = ['rule_hold', 'buyer_message', 'address_issue', 'manual_hold', 'blacklisted', 'merge_candidate', 'price_anomaly']

export function valueKind(condition) {
  return (FIELDS[condition.field] || {})[condition.op] || 'none'
}

export function newCondition() {
  return { field: 'buyer_memo', op: 'present', text: '', number: 0, bool: true }
}

export function newAction() {
  return { type: 'hold', reason: 'rule_hold', note: '', flag: 1 }
}

export function newRule() {
  return { name: '', enabled: true, shops: [], match: 'all', conditions: [newCondition()], actions: [newAction()] }
}

const split = (text) => String(text || '').split(/[,，\n]/).map((s) => s.trim()).filter(Boolean)

// editor form -> the API's rule
export function toRule(form) {
  const rule = {
    name: form.name, enabled: form.enabled, shops: form.shops, match: form.match,
    conditions: form.conditions.map((c) => {
      const kind = valueKind(c)
      const out = { field: c.field, op: c.op }
      if (kind === 'int') out.value = Number(c.number)
      else if (kind === 'bool') out.value = !!c.bool
      else if (kind === 'ints') out.value = split(c.text).map(Number)
      else if (kind !== 'none') out.value = split(c.text)
      return out
    }),
    actions: form.actions.map((a) => {
      if (a.type === 'hold') return { type: 'hold', reason: a.reason, note: a.note }
      if (a.type === 'set_memo') return { type: 'set_memo', note: a.note }
      if (a.type === 'set_flag') return { type: 'set_flag', flag: Number(a.flag) }
      return { type: a.type }
    }),
  }
  if (form.rule_id) rule.rule_id = form.rule_id
  return rule
}

// the API's rule -> editor form
export function toForm(rule) {
  return {
    rule_id: rule.rule_id, name: rule.name, enabled: rule.enabled, shops: [...(rule.shops || [])], match: rule.match || 'all',
    conditions: rule.conditions.map((c) => ({
      field: c.field, op: c.op, text: Array.isArray(c.value) ? c.value.join(', ') : '',
      number: typeof c.value === 'number' ? c.value : 0, bool: typeof c.value === 'boolean' ? c.value : true,
    })),
    actions: rule.actions.map((a) => ({ ...newAction(), ...a })),
  }
}
