import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import { showError } from '../../components/feedback'
import { downloadExport, followExport, startExport } from './exportJobs'

// A page's export button: starts the background export, shows its progress beside the button (rows, of how
// many when the list knew), downloads the file when it is done; the tag opens the file or the exports page.
export function useExport() {
  const { t, locale } = useI18n()
  const router = useRouter()
  const exporting = ref(false)
  const exportJob = ref(null)
  const exportLabel = computed(() => {
    const job = exportJob.value
    if (!job) return ''
    if (job.state === 'done') return `${t('exports.states.done')} · ${t('exports.download')}`
    if (job.state === 'failed') return t('exports.states.failed')
    const rows = job.total ? t('exports.rowsOf', { n: job.rows, total: job.total }) : t('exports.rows', { n: job.rows })
    return `${t(`exports.states.${job.state}`)} ${rows}`
  })

  async function runExport(kind, format, filters) {
    exporting.value = true
    try {
      const job = await startExport(kind, format, filters, locale.value)
      exportJob.value = job
      ElMessage.success(job.total ? t('exports.startedWith', { total: job.total }) : t('exports.started'))
      const done = await followExport(job.export_id, (j) => { exportJob.value = j })
      if (done && done.state === 'done') await downloadExport(done.export_id)
      else if (done && done.state === 'failed') ElMessage.error(t('exports.failed', { error: done.error }))
    } catch (e) {
      showError(e)
    } finally {
      exporting.value = false
    }
  }

  function openExport() {
    if (exportJob.value?.state === 'done') downloadExport(exportJob.value.export_id).catch(showError)
    else router.push('/system/exports')
  }

  return { exporting, exportJob, exportLabel, runExport, openExport }
}
