// The one way the UI talks to the admin API: base URL from config.json (S3 deploy) or same origin,
// bearer token from the auth store, errors as ApiError {status, code, message, fields}, 401 -> login page.
import { useAuthStore } from '../stores/auth'
import { t } from '../i18n'

let apiBase = ''
let configLoaded = null

export function loadConfig() {
  if (!configLoaded) {
    configLoaded = fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-cache' })
      .then((r) => (r.ok ? r.json() : {}))
      .then((cfg) => { apiBase = (cfg.apiBase || '').replace(/\/$/, '') })
      .catch(() => { apiBase = '' })
  }
  return configLoaded
}

export function apiUrl(path) {
  return apiBase + path
}

export class ApiError extends Error {
  constructor(status, code, message, fields, reason) {
    super(message || code || `HTTP ${status}`)
    this.status = status
    this.code = code
    this.fields = fields || []
    this.reason = reason || ''     // the stable dotted code the UI translates (domain errors' `reason`)
  }
}

let onUnauthorized = () => {}
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn
}

function query(params) {
  if (!params) return ''
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.set(k, String(v))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

export async function request(method, path, { params, body, raw, headers } = {}) {
  await loadConfig()
  const auth = useAuthStore()
  const h = { Accept: 'application/json', ...(headers || {}) }
  if (auth.token) h.Authorization = `Bearer ${auth.token}`
  let payload
  if (body !== undefined) {
    if (typeof body === 'string') {
      payload = body
      h['Content-Type'] = h['Content-Type'] || 'text/csv'
    } else {
      payload = JSON.stringify(body)
      h['Content-Type'] = 'application/json'
    }
  }
  let res
  try {
    res = await fetch(apiUrl(path + query(params)), { method, headers: h, body: payload })
  } catch (e) {
    throw new ApiError(0, 'network', e.message)
  }
  if (res.status === 401 && !path.startsWith('/admin/auth/login')) {
    auth.clear()
    onUnauthorized()
    throw new ApiError(401, 'unauthenticated', 'session expired')
  }
  if (raw && res.ok) return res
  const text = await res.text()
  let data = null
  if (text) {
    try { data = JSON.parse(text) } catch { data = text }
  }
  if (!res.ok) {
    if ((res.status === 403 || res.status === 404) && !(data && data.error)) {
      // API Gateway's (and chalice local's) answer for a route that is not deployed: never echo it (it quotes the token)
      throw new ApiError(res.status, 'not_deployed', `${t('common.notAvailable')}: ${method} ${path}`)
    }
    const err = (data && data.error) || {}
    throw new ApiError(res.status, err.code || (data && data.Code) || 'http_error',
      err.message || (data && data.message) || `HTTP ${res.status}`, err.fields, err.reason)
  }
  return data
}

export const get = (path, params) => request('GET', path, { params })
export const post = (path, body, params) => request('POST', path, { body: body ?? {}, params })
export const put = (path, body) => request('PUT', path, { body: body ?? {} })
export const patch = (path, body) => request('PATCH', path, { body: body ?? {} })
export const del = (path) => request('DELETE', path)
