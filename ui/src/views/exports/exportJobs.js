import { get, post } from '../../api'

const e = encodeURIComponent

// Starts a background export (POST /admin/exports): the headers follow the UI's language.
export function startExport(kind, format, filters, locale) {
  const clean = Object.fromEntries(Object.entries(filters || {}).filter(([, v]) => v !== '' && v !== null && v !== undefined && v !== false))
  return post('/admin/exports', { kind, format, language: String(locale || '').startsWith('en') ? 'en' : 'zh', filters: clean })
}

export const getExport = (id) => get(`/admin/exports/${e(id)}`)

// A fresh short-lived link each time (the one in an older answer may have expired), followed as a download.
export async function downloadExport(id) {
  const job = await getExport(id)
  if (!job.download_url) return job
  const a = document.createElement('a')
  a.href = job.download_url
  a.download = job.filename
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  return job
}

// Follows one export until it ends: `onProgress(job)` after every look; resolves with the finished job.
export async function followExport(id, onProgress, { ms = 1500, rounds = 1200 } = {}) {
  for (let n = 0; n < rounds; n += 1) {
    const job = await getExport(id)
    onProgress(job)
    if (job.state === 'done' || job.state === 'failed') return job
    await new Promise((resolve) => setTimeout(resolve, ms))
  }
  return null
}
