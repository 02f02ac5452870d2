import { onBeforeUnmount, watch } from 'vue'

// Background effects (a hold released by a link or by stock, a platform answering an after-sale action) show
// without a reload: while `pending()` is true, `refresh()` runs every `ms`; it stops when nothing is pending,
// when the page goes away, or after `limit` rounds (a platform that never answers is not asked forever).
export function usePolling(pending, refresh, { ms = 3000, limit = 60 } = {}) {
  let timer = null
  let rounds = 0
  function stop() {
    if (timer) clearTimeout(timer)
    timer = null
  }
  function schedule() {
    stop()
    if (!pending() || rounds >= limit) return
    timer = setTimeout(async () => {
      timer = null
      rounds += 1
      try { await refresh() } catch { /* the next round tries again */ }
      schedule()
    }, ms)
  }
  watch(pending, (now) => { if (now) { rounds = 0; schedule() } else stop() }, { immediate: true })
  onBeforeUnmount(stop)
  return { stop, restart: () => { rounds = 0; schedule() } }
}
