// One print-component connection for the whole UI (the shipping page connects; the orders page prints
// through it), and the print flow of the shipping contract: print-jobs -> component -> waybills/printed,
// or the PDF label when no component is connected.
import { reactive } from 'vue'
import { shippingApi } from '../api'
import { COMPONENTS, PrintClient } from './printClient'
import { errorText } from './feedback'

export const printer = reactive({
  platform: 'taobao', address: COMPONENTS.taobao.url, client: null, connecting: false, error: false,
  printers: [], printer: '', log: [],
})

export function disconnect() {
  if (printer.client) printer.client.close()
  Object.assign(printer, { client: null, printers: [], error: false })
}

export function choosePlatform(platform) {
  disconnect()
  Object.assign(printer, { platform, address: COMPONENTS[platform].url })
}

export async function connect() {
  disconnect()
  printer.connecting = true
  try {
    const c = new PrintClient(printer.platform, printer.address.trim())
    await c.connect()
    c.onMessage((raw) => { printer.log = [JSON.stringify(raw).slice(0, 200), ...printer.log].slice(0, 20) })
    printer.client = c
    printer.printers = await c.printers()
    printer.printer = (printer.printers.find((p) => p.isDefault) || printer.printers[0] || {}).name || ''
  } catch {
    printer.error = !printer.client
  } finally {
    printer.connecting = false
  }
}

// the component's own answer: Cainiao family {status: 'success'}, JD {success: 'true'}, WeChat {results: [{success}]}
export function printSucceeded(raw) {
  if (!raw) return false
  if (Array.isArray(raw.results)) return raw.results.length > 0 && raw.results.every((r) => r.success)
  if (raw.success !== undefined) return raw.success === true || raw.success === 'true'
  return raw.status === 'success'
}

// each platform has its own component: a waybill prints through the one connected for its platform
const connectedFor = (platform) => !!(printer.client && printer.printer && printer.platform === platform)

export function download(blob, name) {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 60000)
}

// Prints waybills (grouped by platform: each platform has its own component). Returns
// {waybill_id: {ok, message, via: 'component'|'pdf'}}.
export async function printWaybills(waybills, { size = '100x150', preview = false } = {}) {
  const out = {}
  const groups = {}
  for (const w of waybills) (groups[w.platform] = groups[w.platform] || []).push(w)
  for (const [platform, group] of Object.entries(groups)) {
    const ids = group.map((w) => w.waybill_id)
    const mark = async (via) => {
      const r = await shippingApi.printed(ids)
      for (const x of r.results) out[x.waybill_id] = { ok: x.ok, message: x.ok ? via : errorText(x.error), via }
    }
    try {
      if (connectedFor(platform)) {
        const job = await shippingApi.printJobs(ids, printer.printer, preview)
        for (const message of job.requests) {
          const answer = await printer.client.send(message)
          if (!printSucceeded(answer)) throw new Error(answer.msg || answer.message || JSON.stringify(answer).slice(0, 120))
        }
        await mark('component')
      } else {
        download(await shippingApi.labels(ids, size), `labels-${platform}-${Date.now()}.pdf`)
        await mark('pdf')
      }
    } catch (e) {
      for (const id of ids) out[id] = { ok: false, message: e.message || String(e) }
    }
  }
  return out
}
