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

// A background job (GET /admin/jobs/{id}) followed until it is done: `onProgress(job)` after each look.
// Resolves with the last job seen (done, or still running when `limit` looks ran out).
export async function followJob(getJob, jobId, { ms = 1000, limit = 120, onProgress } = {}) {
  let job = null
  for (let i = 0; i < limit; i += 1) {
    job = await getJob(jobId)
    if (onProgress) onProgress(job)
    if (job.status === 'done') return job
    await new Promise((resolve) => setTimeout(resolve, ms))
  }
  return job
}
