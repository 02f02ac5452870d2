import { i18n, t } from '../i18n'
import { codeText, fieldErrorText, reasonText } from '../i18n/words'

// the holds a refusal names (waybill.order_held), in words
const holdsText = (e) => (e.holds && e.holds.length ? e.holds.map((h) => t(`holdReason.${h}`)).join(i18n.global.locale.value === 'en' ? ', ' : '、') : '')

// The API's error {code, reason, message, fields} as one line in the UI's language: the reason's sentence
// (the words table, or a feature's reasons.<area>.<what> / errors.<area>.<what>), else the code's; the API's
// own (English) message only when the UI is in English and nothing better exists.
function reasonSentence(e) {
  if (!e.reason) return ''
  const byTable = reasonText(e.reason)
  const holds = holdsText(e)
  if (byTable && holds) return i18n.global.locale.value === 'en' ? `${byTable} (${holds})` : `${byTable}（${holds}）`
  if (byTable) return byTable
  if (i18n.global.te(`reasons.${e.reason}`)) return t(`reasons.${e.reason}`)
  if (i18n.global.te(`errors.${e.reason}`)) return t(`errors.${e.reason}`, { field: ((e.fields || [])[0] || {}).field || '' })
  return ''
}

export function errorText(e) {
  if (!e) return ''
  if (typeof e === 'string') return e
  const byReason = reasonSentence(e)
  if (byReason) return byReason
  const english = i18n.global.locale.value === 'en'
  const byCode = codeText(e.code)
  const fields = (e.fields || []).map((f) => (english ? `${f.field}: ${f.message}` : fieldErrorText(f.field)))
  if (!byCode) return [e.message || String(e), ...fields].join('；')
  const detail = english && e.message && !fields.length ? [e.message] : []
  return [byCode, ...detail, ...fields].join(english ? '; ' : '；')
}

// A per-order result's error ({code, reason, message}) as a line
export const resultErrorText = (err) => (err ? errorText(err) : '')

export function showError(e) {
  if (e && e.status === 401) return
  ElMessage({ type: 'error', message: errorText(e), showClose: true, duration: 6000 })
}

export function notFound(e) {
  return e && (e.status === 404 || e.status === 403) && (e.code === 'http_error' || e.code === 'MissingAuthenticationTokenError' || e.code === 'not_found_route')
}
