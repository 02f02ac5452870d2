// Codes the API speaks, said in the UI's one language (#21). Read straight from these tables, not via t():
// their keys are the API's own codes ("auth.locked", "POST /admin/...") which vue-i18n would take for paths.
import { i18n, merged, t } from '..'
import { words as dropship } from '../locales/dropship'
import zh from './zh-CN'
import en from './en'

const TABLES = { 'zh-CN': merged(zh, dropship['zh-CN']), en: merged(en, dropship.en) }

function lookup(path) {
  const tables = [TABLES[i18n.global.locale.value] || zh, zh]
  for (const table of tables) {
    let node = table
    for (const key of path) node = node == null ? undefined : node[key]
    if (node !== undefined && node !== null) return node
  }
  return undefined
}

function fill(text, params) {
  return String(text).replace(/\{(\w+)\}/g, (_, k) => (params && params[k] !== undefined ? params[k] : ''))
}

export function say(path, params) {
  const text = lookup(path)
  return text === undefined ? '' : fill(text, params)
}

export const reasonText = (reason) => (reason ? say(['errors', reason]) : '')
export const codeText = (code) => (code ? say(['errorCodes', code]) : '')
export const fieldErrorText = (field) => say(['fieldError'], { field })

export function queueText(queue) {
  return say(['queues', queue]) || `${say(['queues', 'other'])}`
}

export function ledgerText(kind) {
  return say(['ledger', kind]) || kind
}

export function platformStatusText(platform, code) {
  if (code === undefined || code === null || code === '') return '-'
  return say(['platformStatus', platform, String(code)]) || say(['platformStatus', 'unknown'], { code })
}

// the routes the audit log records (the filter offers them by name)
export const AUDITED_ACTIONS = Object.keys(zh.auditActions).filter((a) => a.includes(' '))

export function auditActionText(action) {
  const known = say(['auditActions', action])
  if (known) return known
  const [verb] = String(action || '').split(' ')
  return say(['auditActions', verb]) || say(['auditActions', 'POST'])
}

const status = (s) => t(`orderStatus.${s}`)
const hold = (h) => t(`holdReason.${h}`)

export function actorText(actor) {
  const [kind, ...rest] = String(actor || '').split(':')
  const name = rest.join(':')
  if (kind === 'platform') return name === 'after_sale' ? say(['actors', 'afterSale']) : say(['actors', 'platform'], { name: t(`platforms.${name}`) })
  if (kind === 'erp') return say(['actors', 'erp'], { name })
  if (kind === 'user') return say(['actors', 'user'], { name })
  if (kind === 'system') return say(['actors', name]) || say(['actors', 'system'])
  return actor || ''
}

// The history summaries the backend writes (services/*: OrderChange.summary), matched one pattern each
const HISTORY = [
  [/^drop-ship: assigned to supplier (.*) \(\S+\)$/, (m) => say(['history', 'dropAssigned'], { name: m[1] })],
  [/^drop-ship: assigned to supplier (\S+) by the SKU rule$/, (m) => say(['history', 'dropRule'], { name: m[1] })],
  [/^drop-ship: every line assigned to supplier (.*) \(\S+\)$/, (m) => say(['history', 'dropAssigned'], { name: m[1] })],
  [/^drop-ship: lines (.*) assigned to supplier (.*) \(\S+\)$/, (m) => say(['history', 'dropLines'], { lines: m[1], name: m[2] })],
  [/^drop-ship: lines (.*) to supplier (\S+) by the SKU rule$/, (m) => say(['history', 'dropLinesRule'], { lines: m[1], name: m[2] })],
  [/^drop-ship: taken back from supplier/, () => say(['history', 'dropTakenBack'])],
  [/^created as (\w+)$/, (m) => say(['history', 'created'], { status: status(m[1]) })],
  [/^shipped (\S*) (\S*): status (\w+) -> (\w+)$/, (m) => say(['history', 'shipped'], { carrier: m[1], tracking: m[2], from: status(m[3]), to: status(m[4]) })],
  [/^held: refund requested$/, () => say(['history', 'heldRefund'])],
  [/^after-sale state (\w+)$/, (m) => say(['history', 'afterSale'], { state: t(`refundState.${m[1]}`) })],
  [/^SKU links found: unlinked_sku hold released$/, () => say(['history', 'linksReleased'])],
  [/^some SKU links found$/, () => say(['history', 'linksSome'])],
  [/^taken by the ERP$/, () => say(['history', 'taken'])],
  [/^acknowledged by the ERP as (.*)$/, (m) => say(['history', 'acknowledged'], { id: m[1] })],
  [/^held: not enough stock to reserve$/, () => say(['history', 'heldStock'])],
  [/^stock reserved: out_of_stock hold released$/, () => say(['history', 'stockReleased'])],
  [/^seller memo edited$/, () => say(['history', 'memo'])],
  [/^receiver changed by the platform: (.*)$/, (m) => say(['history', 'receiverChanged'], { where: m[1] })],
  [/^held: (\w+)(?: (.*))?$/, (m) => say(['history', 'held'], { reason: hold(m[1]) + (m[2] ? ` ${m[2]}` : '') })],
  [/^released: (\w+)$/, (m) => say(['history', 'released'], { reason: hold(m[1]) })],
  [/^cancelled: (.*)$/, (m) => say(['history', 'cancelled'], { reason: m[1] })],
  [/^gift (\S+) x(\d+) (added|removed) by hand$/, (m) => t(`giftLines.${m[3] === 'added' ? 'historyAdded' : 'historyRemoved'}`, { sku: m[1], n: m[2] })],
]

export function historyText(summary, platform) {
  const text = String(summary || '')
  const platformChange = text.match(/^(.*): status (\w+) -> (\w+)$/)
  for (const [pattern, render] of HISTORY) {
    const m = text.match(pattern)
    if (m) return render(m)
  }
  if (platformChange) {
    return say(['history', 'platformStatus'], { platform: platformStatusText(platform, platformChange[1]), from: status(platformChange[2]), to: status(platformChange[3]) })
  }
  return say(['history', 'other'])
}
