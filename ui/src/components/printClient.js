// The platforms' local print components (电子面单打印组件), reached from this browser over WebSocket:
// the same addresses and message families as chalicelib/printing/components.py.
export const COMPONENTS = {
  taobao: { family: 'cainiao', url: 'ws://127.0.0.1:13528', version: '1.0' },
  pdd: { family: 'cainiao', url: 'ws://127.0.0.1:5000', version: '1.0' },
  douyin: { family: 'cainiao', url: 'ws://127.0.0.1:13888', version: '1.0' },
  kuaishou: { family: 'cainiao', url: 'ws://127.0.0.1:16888/ks/printer', version: '1.0' },
  xhs: { family: 'cainiao', url: 'ws://127.0.0.1:10818', version: '1.0' },
  jd: { family: 'jd', url: 'ws://127.0.0.1:9113', version: '2' },
  wechat: { family: 'wechat', url: 'ws://127.0.0.1:12705', version: '2.0' },
}

const newId = () => (crypto.randomUUID ? crypto.randomUUID().replace(/-/g, '') : `${Date.now()}${Math.random()}`.replace('.', ''))

export function getPrintersMessage(platform, requestId) {
  const spec = COMPONENTS[platform]
  if (spec.family === 'jd') return { orderType: 'GET_Printers', key: requestId, version: spec.version, parameters: {} }
  if (spec.family === 'wechat') return { command: 'getPrinterList', requestID: requestId }
  return { cmd: 'getPrinters', requestID: requestId, version: spec.version }
}

export function parsePrinters(platform, raw) {
  const spec = COMPONENTS[platform]
  if (spec.family === 'jd') return ((raw.detailinfo || {}).printers || []).map((n, i) => ({ name: String(n), isDefault: i === 0 }))
  if (spec.family === 'wechat') return (raw.printerList || []).map((p, i) => ({ name: p.displayName || p.name, isDefault: i === 0 }))
  return (raw.printers || []).map((p) => ({ name: p.name, isDefault: p.name === raw.defaultPrinter }))
}

const requestIdOf = (raw) => raw.requestID || raw.key || ''

// One connection to one component: connect() resolves once open, rejects when nothing listens.
export class PrintClient {
  constructor(platform, url) {
    this.platform = platform
    this.url = url || COMPONENTS[platform].url
    this.ws = null
    this.pending = new Map()
    this.listeners = []
  }

  connect(timeoutMs = 3000) {
    return new Promise((resolve, reject) => {
      let ws
      try { ws = new WebSocket(this.url) } catch (e) { reject(e); return }
      const timer = setTimeout(() => { ws.close(); reject(new Error('timeout')) }, timeoutMs)
      ws.onopen = () => { clearTimeout(timer); this.ws = ws; resolve(this) }
      ws.onerror = () => { clearTimeout(timer); reject(new Error('not running')) }
      ws.onclose = () => { this.ws = null }
      ws.onmessage = (event) => {
        let raw
        try { raw = JSON.parse(event.data) } catch { return }
        const waiter = this.pending.get(requestIdOf(raw))
        if (waiter) { this.pending.delete(requestIdOf(raw)); waiter(raw) }
        this.listeners.forEach((fn) => fn(raw))
      }
    })
  }

  request(message, requestId, timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(requestId); reject(new Error('timeout')) }, timeoutMs)
      this.pending.set(requestId, (raw) => { clearTimeout(timer); resolve(raw) })
      this.ws.send(JSON.stringify(message))
    })
  }

  async printers() {
    const id = newId()
    return parsePrinters(this.platform, await this.request(getPrintersMessage(this.platform, id), id))
  }

  // `message` is a ready print message (built by the API from the waybill: chalicelib/printing)
  send(message) {
    return this.request(message, requestIdOf(message))
  }

  onMessage(fn) { this.listeners.push(fn) }

  close() { if (this.ws) this.ws.close() }
}
