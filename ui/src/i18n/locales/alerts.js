// Business alerts to DingTalk / WeCom / Feishu bots (#26 item 5): the Alerts page and its refusals.
export default {
  'zh-CN': {
    menu: { alerts: '业务告警' },
    alerts: {
      title: '业务告警', channels: '告警渠道', addChannel: '添加渠道', editChannel: '编辑渠道', kind: '类型', webhookUrl: 'Webhook 地址',
      secret: '加签密钥', secretSet: '已设置', secretKeep: '留空则保持原密钥', secretHint: '钉钉“加签”的 SEC 开头密钥或飞书“签名校验”密钥；保存后不再显示',
      events: '接收的事件', everyEvent: '全部事件', eventsHint: '都不勾选：接收全部事件', active: '启用', test: '发送测试', testSent: '测试消息已送达', testFailed: '测试消息未送达：{error}',
      remove: '删除', removeConfirm: '删除渠道“{name}”？', added: '渠道已添加',
      quiet: '免打扰时段', quietHint: '时段内产生的告警暂存，时段结束后发送（北京时间）', quietOn: '开启免打扰', start: '开始', end: '结束', quietSaved: '免打扰设置已保存',
      deliveries: '最近推送', at: '时间', event: '事件', channel: '渠道', attempts: '尝试次数', lastError: '最近错误', undeliveredOnly: '只看未送达',
      kinds: { dingtalk: '钉钉机器人', wecom: '企业微信机器人', feishu: '飞书机器人' },
      statuses: { pending: '待发送', delivered: '已送达', dead: '失败' },
      // nested along the event's dots: vue-i18n reads a dotted key as a path
      eventNames: {
        shop: { reauth_needed: '店铺需要重新授权', token_refresh_failing: '令牌刷新失败' }, action: { refused: '回传或售后操作被平台拒绝' },
        queue: { dead_letters: '死信消息' }, orders: { at_risk: '订单即将发货超时' }, after_sale: { deadline_near: '售后时限将至' },
        stock: { below_safety: '库存低于安全库存' }, erp: { delivery_failing: 'ERP 推送失败' }, test: '测试消息',
      },
    },
    errors: {
      alerts: {
        bad_webhook_url: 'Webhook 地址不对：须为该机器人官方域名的 https 地址（含 access_token / key / hook）',
        secret_missing: '钉钉和飞书机器人需要填写加签密钥', unknown_event: '未知的告警事件', too_many: '渠道数量已达上限',
        bad_quiet_time: '时间格式须为 HH:MM', no_channel: '渠道不存在', busy: '设置正在被修改，请重试',
      },
    },
  },
  en: {
    menu: { alerts: 'Business alerts' },
    alerts: {
      title: 'Business alerts', channels: 'Alert channels', addChannel: 'Add channel', editChannel: 'Edit channel', kind: 'Kind', webhookUrl: 'Webhook URL',
      secret: 'Signing secret', secretSet: 'Set', secretKeep: 'Leave empty to keep the stored secret', secretHint: 'DingTalk\'s SEC... signing secret or Feishu\'s signature secret; never shown again once saved',
      events: 'Events it receives', everyEvent: 'Every event', eventsHint: 'None ticked: every event', active: 'Active', test: 'Send test', testSent: 'Test message delivered', testFailed: 'Test message not delivered: {error}',
      remove: 'Remove', removeConfirm: 'Remove the channel "{name}"?', added: 'Channel added',
      quiet: 'Quiet period', quietHint: 'Alerts raised inside it are held and sent when it ends (China time)', quietOn: 'Quiet period on', start: 'From', end: 'To', quietSaved: 'Quiet period saved',
      deliveries: 'Recent deliveries', at: 'Time', event: 'Event', channel: 'Channel', attempts: 'Attempts', lastError: 'Last error', undeliveredOnly: 'Undelivered only',
      kinds: { dingtalk: 'DingTalk bot', wecom: 'WeCom bot', feishu: 'Feishu bot' },
      statuses: { pending: 'Pending', delivered: 'Delivered', dead: 'Failed' },
      eventNames: {
        shop: { reauth_needed: 'Shop needs re-authorisation', token_refresh_failing: 'Token refresh failing' }, action: { refused: 'Ship-back or after-sale action refused' },
        queue: { dead_letters: 'Dead-letter messages' }, orders: { at_risk: 'Orders at risk of late shipment' }, after_sale: { deadline_near: 'After-sale deadline near' },
        stock: { below_safety: 'Stock below safety level' }, erp: { delivery_failing: 'ERP deliveries failing' }, test: 'Test message',
      },
    },
    errors: {
      alerts: {
        bad_webhook_url: 'Wrong webhook URL: it must be https on the bot vendor\'s own host (with its access_token / key / hook)',
        secret_missing: 'DingTalk and Feishu bots need their signing secret', unknown_event: 'Unknown alert event', too_many: 'Too many channels',
        bad_quiet_time: 'Times are HH:MM', no_channel: 'No such channel', busy: 'The settings are being changed: try again',
      },
    },
  },
}
