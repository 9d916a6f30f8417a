import { createContext, useContext, useState, type ReactNode } from 'react';
import { INSPECTIONS_TEXT } from './pages/inspections.i18n';
import { STATISTICS_TEXT } from './pages/statistics.i18n';
import { SURVEYS_TEXT } from './pages/surveys.i18n';
import { USERS_TEXT } from './pages/users.i18n';
import { VOS_TEXT } from './pages/vos.i18n';
import { PANEL_TEXT } from './pages/panel.i18n';
import { ANALYSIS_TEXT } from './pages/analysis.i18n';

// Korean first, English on a switch. One flat dictionary: keys are English ids,
// a missing English entry falls back to Korean so nothing shows blank.

export type Lang = 'ko' | 'en';

const KO: Record<string, string> = {
  appName: '민원 레이더', appSub: 'VOM 콘솔',
  'nav.alerts': '실시간 알림', 'nav.calls': '실시간 통화', 'nav.cases': '민원 사례', 'nav.rules': '탐지 규칙',
  'nav.search': '통합 검색', 'nav.audit': '감사 로그', 'nav.section.monitor': '모니터링', 'nav.section.manage': '관리',
  'nav.section.insight': '분석',
  'caseClass.title': '민원 통계 분류', 'caseClass.classify': '분류하기', 'caseClass.edit': '수정', 'caseClass.saved': '통계 분류를 저장했습니다', 'caseClass.channel': '접수 채널', 'caseClass.product': '상품', 'caseClass.type': '유형', 'caseClass.cause': '원인', 'caseClass.scope': '대내·대외', 'caseClass.externalBody': '외부 기관', 'caseClass.by': '분류', 'caseClass.none': '아직 분류하지 않았습니다. 통계에는 기본값(접수 경로의 채널, 미분류, 대내)으로 집계됩니다.', 'nav.statistics': '민원 통계', 'nav.surveys': '고객 평가', 'nav.inspections': '자율 점검', 'nav.vos': '고객의 소리', 'nav.panel': '고객 패널', 'nav.analysis': '통합 분석',
  'nav.earlyWarnings': '조기 경보', 'ew.title': '조기 경보', 'ew.subShort': '평소보다 크게 늘어난 상담 이슈',
  'ew.sub': '최근 {w}분 동안 이슈별 상담 건수가 지난 {d}일 같은 시간대보다 크게 늘면 알려 드립니다.',
  'ew.since': '발생', 'ew.minutesAgo': '분째 지속', 'ew.status.open': '신규', 'ew.status.acknowledged': '확인됨', 'ew.status.resolved': '해소',
  'ew.callsNow': '현재 통화', 'ew.min': '분', 'ew.expected': '평소 예상', 'ew.ratio': '배율', 'ew.peak': '최대',
  'ew.samples': '대표 발화', 'ew.ack': '확인', 'ew.acked': '조기 경보를 확인했습니다', 'ew.ackNote': '조치 메모 (선택)',
  'ew.ackNotePh': '예: 승인 시스템 장애 확인, IT 부서에 전달', 'ew.ackHint': '확인해도 경보는 건수가 평소 수준으로 돌아올 때까지 유지되고, 그때 자동으로 해소됩니다.',
  'ew.textDeleted': '보존 기간이 지나 삭제된 발화', 'ew.none': '지금 진행 중인 조기 경보가 없습니다.',
  'ew.noneHint': '모든 통화에서 이슈별 건수를 1분마다 평소 수준과 비교합니다. 급증하면 이 자리에 나타납니다.',
  'ew.recent': '최근 해소된 경보', 'ew.noRecent': '해소된 경보가 없습니다.', 'ew.topic': '이슈', 'ew.raised': '발생', 'ew.resolved': '해소',
  'ew.ackBy': '확인자', 'ew.topics': '감시 중인 이슈', 'ew.method': '통화 중 고객 발화에서 이슈 표현(띄어쓰기·조사·음성 인식 오류 허용)을 찾아 통화 수를 셉니다. 평소 비율 대비 통계적으로 유의하게 많을 때만 경보합니다.',
  signOut: '로그아웃', language: 'English', loading: '불러오는 중…', retry: '다시 시도', save: '저장', cancel: '취소',
  close: '닫기', confirm: '확인', all: '전체', none: '없음', search: '검색', exportXlsx: '엑셀 내보내기', exporting: '내보내는 중…',
  more: '더 보기', refresh: '새로고침', open: '열기', customer: '고객', agent: '상담사', unknown: '미상', back: '뒤로',
  'login.title': '로그인', 'login.subtitle': '소비자보호 실시간 민원 위험 모니터링', 'login.username': '아이디', 'login.password': '비밀번호',
  'login.submit': '로그인', 'login.failed': '아이디 또는 비밀번호가 올바르지 않습니다.', 'login.footer': '사내망 전용 · 모든 접속은 감사 로그에 기록됩니다.',
  'pw.title': '비밀번호 변경', 'pw.forced': '처음 로그인하셨습니다. 계속하려면 새 비밀번호를 정하세요.', 'pw.current': '현재(임시) 비밀번호',
  'pw.new': '새 비밀번호', 'pw.confirm': '새 비밀번호 확인', 'pw.policy': '10자 이상, 대문자·소문자·숫자·기호 중 3종류 이상, 아이디 포함 불가',
  'pw.mismatch': '새 비밀번호가 서로 다릅니다.', 'pw.submit': '변경하고 계속',
  'role.admin': '관리자', 'role.officer': '소비자보호 담당자', 'role.supervisor': '상담 관리자', 'role.analyst': '분석가', 'role.agent': '상담사', 'role.auditor': '감사인',
  'sev': '심각도', 'category': '유형', 'status': '상태', 'time': '시각', 'period': '기간', 'match': '탐지 표현', 'call': '통화',
  'period.1h': '최근 1시간', 'period.today': '오늘', 'period.7d': '최근 7일', 'period.all': '전체 기간',
  'alert.status.open': '신규', 'alert.status.acknowledged': '확인', 'alert.status.false_positive': '오탐', 'alert.status.escalated': '민원 전환',
  'alerts.title': '실시간 알림 보드', 'alerts.live': '실시간 연결됨', 'alerts.reconnecting': '재연결 중…', 'alerts.sound': '알림음',
  'alerts.notify': '데스크톱 알림', 'alerts.empty': '조건에 맞는 알림이 없습니다.', 'alerts.emptyHint': '새 알림은 새로고침 없이 이 자리에 나타납니다.',
  'alerts.keys': '단축키', 'alerts.ack': '확인', 'alerts.fp': '오탐 처리', 'alerts.escalate': '민원 사례로 전환', 'alerts.openCall': '통화 보기',
  'alerts.fpReason': '오탐 사유', 'alerts.fpReasonHint': '예: 상담사의 안내 문구, 고객의 가정적 표현', 'alerts.context': '대화 맥락',
  'alerts.explanation': '탐지 근거', 'alerts.select': '알림을 선택하면 상세 내용이 여기에 표시됩니다.', 'alerts.agentFilter': '상담사 ID',
  'alerts.escalated': '민원 사례로 전환했습니다', 'alerts.joined': '기존 사례에 반복 민원으로 연결했습니다', 'alerts.repeat': '반복 민원',
  'alerts.total': '건', 'alerts.hits': '회',
  'calls.title': '실시간 통화', 'calls.active': '진행 중', 'calls.ended': '종료', 'calls.activeOnly': '진행 중만', 'calls.risk': '위험도',
  'calls.started': '시작', 'calls.empty': '통화가 없습니다.', 'calls.transcript': '실시간 대화', 'calls.riskOverTime': '시간대별 위험도',
  'calls.alerts': '이 통화의 알림', 'calls.history': '고객의 이전 상담·사례', 'calls.noCustomer': '고객 정보가 없는 통화입니다.',
  'calls.noHistory': '이전 상담 이력이 없습니다.', 'calls.waiting': '발화를 기다리는 중…', 'calls.partial': '인식 중', 'calls.escalated': '복합 위험 통화',
  'calls.live': 'LIVE', 'calls.noAlerts': '아직 알림이 없습니다.',
  'case.status.received': '접수', 'case.status.assigned': '배정', 'case.status.in_progress': '처리중', 'case.status.resolved': '해결',
  'case.status.closed': '종결', 'case.status.rejected': '반려',
  'cases.title': '민원 사례', 'cases.new': '새 사례', 'cases.openOnly': '진행 중만', 'cases.overdueOnly': '기한 초과만', 'cases.repeatOnly': '반복 민원만',
  'cases.mine': '내 사례', 'cases.empty': '사례가 없습니다.', 'cases.ref': '사례 번호', 'cases.titleCol': '제목', 'cases.assignee': '담당자',
  'cases.due': '처리 기한', 'cases.overdue': '기한 초과', 'cases.repeat': '반복', 'cases.links': '연결', 'cases.unassigned': '미배정',
  'cases.searchPh': '제목, 고객, 사례 번호', 'cases.description': '내용', 'cases.notes': '메모', 'cases.attachments': '첨부 파일',
  'cases.linked': '연결된 알림·통화', 'cases.historyTitle': '처리 이력', 'cases.related': '같은 고객의 다른 사례', 'cases.addNote': '메모 추가',
  'cases.notePh': '처리 내용, 고객 통화 결과 등을 남기세요', 'cases.upload': '파일 첨부', 'cases.noNotes': '메모가 없습니다.',
  'cases.noAttachments': '첨부 파일이 없습니다.', 'cases.noLinks': '연결된 항목이 없습니다.', 'cases.workflow': '처리 단계',
  'cases.reason': '사유', 'cases.resolution': '처리 결과', 'cases.move': '상태 변경', 'cases.edit': '수정', 'cases.created': '사례를 만들었습니다',
  'cases.severity': '심각도', 'cases.customerId': '고객 번호', 'cases.dueLeft': '남음', 'cases.dueOver': '초과', 'cases.sla': 'SLA',
  'cases.repeatOf': '이전 사례의 반복', 'cases.repeatCount': '재접촉', 'cases.source.alert': '알림에서 전환', 'cases.source.manual': '직접 등록',
  'cases.createdBy': '등록자', 'cases.auto': '자동 연결', 'cases.assignTo': '담당자 지정', 'cases.tooLarge': '파일이 너무 큽니다',
  'rules.title': '탐지 규칙', 'rules.version': '버전', 'rules.published': '게시', 'rules.list': '규칙 목록', 'rules.editor': '규칙 편집 (JSON)',
  'rules.validate': '검증', 'rules.valid': '유효한 규칙 세트입니다', 'rules.test': '문장 테스트', 'rules.testPh': '예: 이거 해결 안 되면 금감원에 민원 넣을 거예요',
  'rules.runTest': '테스트', 'rules.noHits': '탐지된 규칙이 없습니다.', 'rules.backtest': '과거 데이터 백테스트', 'rules.from': '시작', 'rules.to': '종료',
  'rules.runBacktest': '백테스트 실행', 'rules.publish': '새 버전 게시', 'rules.note': '변경 메모', 'rules.versions': '버전 이력',
  'rules.rollback': '이 버전으로 되돌리기', 'rules.live': '운영 중', 'rules.candidate': '수정안', 'rules.added': '새로 탐지', 'rules.removed': '탐지 안 됨',
  'rules.utterances': '발화', 'rules.terms': '표현', 'rules.draftChanged': '편집 중인 수정안이 있습니다', 'rules.reset': '운영 버전으로 되돌리기',
  'rules.useDraft': '편집 중인 수정안으로 테스트', 'rules.negated': '부정/가정', 'rules.speaker': '화자', 'rules.notReady': '규칙 API가 아직 준비되지 않았습니다.',
  'rules.published.ok': '새 버전을 게시했습니다', 'rules.composite': '복합 규칙', 'rules.count': '규칙 {n}개', 'rules.bundled': '기본 제공 사전', 'rules.noVersions': '아직 게시된 버전이 없습니다 (기본 사전 사용 중).', 'alerts.move': '이동', 'audit.sub': '수정·삭제할 수 없는 기록', 'rules.filter': '규칙 검색',
  'search.title': '통합 검색', 'search.ph': '대화 내용, 고객 번호, 사례 제목…', 'search.transcripts': '통화 내용', 'search.alerts': '알림', 'search.cases': '민원 사례',
  'search.none': '결과가 없습니다.', 'search.hint': '대화, 알림, 민원 사례를 한 번에 찾습니다.',
  'audit.title': '감사 로그', 'audit.actor': '사용자', 'audit.action': '작업', 'audit.target': '대상', 'audit.details': '내용', 'audit.empty': '기록이 없습니다.',
  'audit.actionFilter': '작업 (예: case.created)',
  'nav.delivery': '외부 연동', 'delivery.title': '외부 연동 (알림 전송)', 'delivery.sub': '웹훅·Slack·Teams·이메일로 나가는 알림과 사례 변경',
  'delivery.pending': '전송 대기', 'delivery.dead': '전송 실패 (보관)', 'delivery.openCircuits': '차단된 수신처', 'delivery.lag': '미처리 이벤트',
  'delivery.subscriptions': '구독', 'delivery.none': '구독이 없습니다.', 'delivery.noneHint': 'POST /api/subscriptions 로 웹훅·Slack·Teams·이메일 수신처를 추가하세요.',
  'delivery.name': '이름', 'delivery.kind': '종류', 'delivery.target': '수신처', 'delivery.events': '이벤트', 'delivery.health': '상태',
  'delivery.disabled': '사용 안 함', 'delivery.test': '테스트 전송', 'delivery.test.ok': '테스트 메시지 전송 성공', 'delivery.test.failed': '테스트 메시지 전송 실패',
  'delivery.circuit.closed': '정상', 'delivery.circuit.open': '차단됨', 'delivery.circuit.half_open': '재시도 중', 'delivery.failures': '회 연속 실패', 'delivery.openUntil': '재시도 예정',
  'delivery.deadLetters': '전송 실패 목록', 'delivery.noDead': '전송 실패 건이 없습니다.', 'delivery.subscription': '구독', 'delivery.event': '이벤트',
  'delivery.attempts': '시도', 'delivery.lastError': '마지막 오류', 'delivery.replay': '다시 보내기', 'delivery.replayed': '다시 보내기 예약됨',
  'delivery.add': '구독 추가', 'delivery.added': '구독을 추가했습니다', 'delivery.enable': '사용', 'delivery.disable': '사용 중지', 'delivery.targetUrl': '수신 URL (웹훅 주소)', 'delivery.targetEmail': '받는 사람 (쉼표로 구분)',
  'delivery.minSeverity': '최소 심각도', 'delivery.any': '전체', 'delivery.secretTitle': '서명 비밀값 (한 번만 표시)', 'delivery.secretHint': '수신 시스템에 이 값을 저장해 X-Radar-Signature 서명을 검증하세요. 다시 볼 수 없습니다.', 'delivery.secretDone': '저장했습니다',
  'delivery.edit': '편집', 'delivery.edited': '구독을 변경했습니다', 'delivery.delete': '삭제', 'delivery.deleted': '구독을 삭제했습니다',
  'delivery.deleteConfirm': '이 구독을 삭제합니다. 대기 중인 전송도 함께 사라지며 되돌릴 수 없습니다.',
  'delivery.rotate': '비밀값 재발급', 'delivery.rotateConfirm': '새 서명 비밀값을 발급합니다. 이전 값으로 서명 검증하는 수신 시스템은 새 값으로 바꿔야 합니다.',
  'nav.briefing': '일일 브리핑', 'brief.title': '일일 브리핑', 'brief.asOf': '기준', 'brief.schedule': '매일 자동 생성', 'brief.trigger.schedule': '자동 생성',
  'brief.trigger.catch_up': '자동 생성 (재시작 후)', 'brief.trigger.manual': '수동 생성', 'brief.prev': '전날', 'brief.next': '다음 날', 'brief.pick': '날짜 선택',
  'brief.print': '인쇄', 'brief.generate': '브리핑 생성', 'brief.regenerate': '다시 생성', 'brief.generated': '브리핑을 생성했습니다',
  'brief.none': '이 날의 브리핑이 아직 없습니다.', 'brief.noneHint': '‘브리핑 생성’을 누르면 지금 만듭니다.', 'brief.noneWait': '매일 정해진 시각에 자동으로 만들어집니다.',
  'brief.partial': '아직 끝나지 않은 날의 중간 집계입니다.', 'brief.calls': '모니터링 통화', 'brief.alerts': '알림', 'brief.high': '고위험 알림 (4–5)',
  'brief.talk': '통화 시간', 'brief.noEnded': '종료된 통화 없음', 'brief.ended': '종료', 'brief.avg': '평균', 'brief.newCases': '신규 사례',
  'brief.openCases': '진행 중 사례', 'brief.sla': 'SLA 초과', 'brief.slaHint': '처리 기한이 지난 진행 중 사례', 'brief.repeats': '반복 민원',
  'brief.warnings': '주요 이슈·급증', 'brief.warningsNA': '조기 경보 미설치', 'brief.noWarnings': '이 날 발생한 조기 경보가 없습니다.',
  'brief.prevDay': '전일', 'brief.weekBefore': '전주', 'brief.theDay': '당일', 'brief.fp': '오탐', 'brief.escalated': '사례 전환',
  'brief.byCategory': '유형별 알림', 'brief.byHour': '시간대별 알림', 'brief.noAlerts': '알림이 없었습니다.', 'brief.topCalls': '주요 위험 통화',
  'brief.why': '탐지 근거 (규칙 · 감지 발화)', 'brief.noNewCases': '신규 사례가 없었습니다.', 'brief.noSla': '기한을 넘긴 사례가 없습니다.',
  'brief.noRepeats': '반복 민원이 없었습니다.', 'brief.kind': '구분', 'brief.recontact': '재접촉', 'brief.reopened': '종결 사례의 재민원',
  'brief.issue': '이슈', 'brief.callsShort': '통화', 'brief.baseline': '평소', 'brief.topRules': '많이 탐지된 규칙', 'brief.topPhrases': '많이 들린 표현',
  'brief.rule': '규칙', 'brief.hits': '탐지', 'brief.phrase': '표현', 'brief.hours': '시간',
  'err.title': '문제가 발생했습니다', 'err.forbidden': '이 화면을 볼 권한이 없습니다.', 'notFound': '페이지를 찾을 수 없습니다.',
};

const EN: Record<string, string> = {
  appName: 'Minwon Radar', appSub: 'VOM console',
  'nav.alerts': 'Live alerts', 'nav.calls': 'Live calls', 'nav.cases': 'Complaint cases', 'nav.rules': 'Detection rules',
  'nav.search': 'Search', 'nav.audit': 'Audit trail', 'nav.section.monitor': 'Monitoring', 'nav.section.manage': 'Management',
  'nav.section.insight': 'Insight',
  'caseClass.title': 'Statistics classification', 'caseClass.classify': 'Classify', 'caseClass.edit': 'Edit', 'caseClass.saved': 'classification saved', 'caseClass.channel': 'Channel', 'caseClass.product': 'Product', 'caseClass.type': 'Type', 'caseClass.cause': 'Cause', 'caseClass.scope': 'Internal / external', 'caseClass.externalBody': 'External body', 'caseClass.by': 'Classified', 'caseClass.none': 'Not classified yet: it counts with the defaults (its source\'s channel, unclassified, internal).', 'nav.statistics': 'Complaint statistics', 'nav.surveys': 'Customer evaluation', 'nav.inspections': 'Self-inspection', 'nav.vos': 'Voice of customer', 'nav.panel': 'Customer panel', 'nav.analysis': 'Combined analysis',
  'nav.earlyWarnings': 'Early warning', 'ew.title': 'Early warning', 'ew.subShort': 'Customer issues rising well above their usual level',
  'ew.sub': 'Raised when calls about an issue in the last {w} minutes rise well above the same time of day over the past {d} days.',
  'ew.since': 'Since', 'ew.minutesAgo': ' min so far', 'ew.status.open': 'New', 'ew.status.acknowledged': 'Acknowledged', 'ew.status.resolved': 'Resolved',
  'ew.callsNow': 'Calls now', 'ew.min': ' min', 'ew.expected': 'Expected', 'ew.ratio': 'Ratio', 'ew.peak': 'Peak',
  'ew.samples': 'Sample utterances', 'ew.ack': 'Acknowledge', 'ew.acked': 'early warning acknowledged', 'ew.ackNote': 'Note (optional)',
  'ew.ackNotePh': 'e.g. authorisation outage confirmed, passed to IT', 'ew.ackHint': 'The warning stays active until calls fall back to their usual level; then it resolves by itself.',
  'ew.textDeleted': 'transcript deleted (retention)', 'ew.none': 'No early warnings right now.',
  'ew.noneHint': 'Every minute, calls per issue are compared with their usual level. A spike appears here.',
  'ew.recent': 'Recently resolved', 'ew.noRecent': 'No resolved warnings.', 'ew.topic': 'Issue', 'ew.raised': 'Raised', 'ew.resolved': 'Resolved',
  'ew.ackBy': 'Acknowledged by', 'ew.topics': 'Issues watched', 'ew.method': 'Issue phrases are found in what customers say (spacing, particles and speech-recognition slips tolerated) and calls are counted. A warning needs a statistically significant rise over the usual share.',
  signOut: 'Sign out', language: '한국어', loading: 'Loading…', retry: 'Retry', save: 'Save', cancel: 'Cancel', close: 'Close', confirm: 'Confirm',
  all: 'All', none: 'None', search: 'Search', exportXlsx: 'Export to Excel', exporting: 'Exporting…', more: 'Load more', refresh: 'Refresh',
  open: 'Open', customer: 'Customer', agent: 'Agent', unknown: 'Unknown', back: 'Back',
  'login.title': 'Sign in', 'login.subtitle': 'Real-time complaint-risk monitoring for consumer protection', 'login.username': 'Username',
  'login.password': 'Password', 'login.submit': 'Sign in', 'login.failed': 'Wrong username or password.', 'login.footer': 'Internal network only · every sign-in is audited.',
  'pw.title': 'Change password', 'pw.forced': 'This is your first sign-in. Choose a new password to continue.', 'pw.current': 'Current (one-time) password',
  'pw.new': 'New password', 'pw.confirm': 'Repeat new password', 'pw.policy': 'At least 10 characters, 3 of: upper, lower, digits, symbols; not containing the username',
  'pw.mismatch': 'The new passwords differ.', 'pw.submit': 'Change and continue',
  'role.admin': 'Administrator', 'role.officer': 'Consumer-protection officer', 'role.supervisor': 'Supervisor', 'role.analyst': 'Analyst', 'role.agent': 'Agent', 'role.auditor': 'Auditor',
  sev: 'Severity', category: 'Category', status: 'Status', time: 'Time', period: 'Period', match: 'Matched', call: 'Call',
  'period.1h': 'Last hour', 'period.today': 'Today', 'period.7d': 'Last 7 days', 'period.all': 'All time',
  'alert.status.open': 'New', 'alert.status.acknowledged': 'Acknowledged', 'alert.status.false_positive': 'False positive', 'alert.status.escalated': 'Escalated',
  'alerts.title': 'Live alert board', 'alerts.live': 'Live', 'alerts.reconnecting': 'Reconnecting…', 'alerts.sound': 'Sound', 'alerts.notify': 'Desktop notifications',
  'alerts.empty': 'No alerts match.', 'alerts.emptyHint': 'New alerts appear here without reloading.', 'alerts.keys': 'Keys', 'alerts.ack': 'Acknowledge',
  'alerts.fp': 'False positive', 'alerts.escalate': 'Escalate to case', 'alerts.openCall': 'Open call', 'alerts.fpReason': 'Why is it a false positive?',
  'alerts.fpReasonHint': "e.g. the agent's explanation, a hypothetical", 'alerts.context': 'Conversation', 'alerts.explanation': 'Why it fired',
  'alerts.select': 'Select an alert to see its details.', 'alerts.agentFilter': 'Agent id', 'alerts.escalated': 'Escalated to a case',
  'alerts.joined': 'Linked to the open case as a repeat contact', 'alerts.repeat': 'Repeat contact', 'alerts.total': '', 'alerts.hits': '×',
  'calls.title': 'Live calls', 'calls.active': 'Live', 'calls.ended': 'Ended', 'calls.activeOnly': 'Live only', 'calls.risk': 'Risk', 'calls.started': 'Started',
  'calls.empty': 'No calls.', 'calls.transcript': 'Live transcript', 'calls.riskOverTime': 'Risk over time', 'calls.alerts': 'Alerts in this call',
  'calls.history': "Customer's previous contacts and cases", 'calls.noCustomer': 'No customer on this call.', 'calls.noHistory': 'No previous contacts.',
  'calls.waiting': 'Waiting for speech…', 'calls.partial': 'recognising', 'calls.escalated': 'Multi-category risk', 'calls.live': 'LIVE', 'calls.noAlerts': 'No alerts yet.',
  'case.status.received': 'Received', 'case.status.assigned': 'Assigned', 'case.status.in_progress': 'In progress', 'case.status.resolved': 'Resolved',
  'case.status.closed': 'Closed', 'case.status.rejected': 'Rejected',
  'cases.title': 'Complaint cases', 'cases.new': 'New case', 'cases.openOnly': 'Open only', 'cases.overdueOnly': 'Overdue only', 'cases.repeatOnly': 'Repeat only',
  'cases.mine': 'Mine', 'cases.empty': 'No cases.', 'cases.ref': 'Case', 'cases.titleCol': 'Title', 'cases.assignee': 'Assignee', 'cases.due': 'Due',
  'cases.overdue': 'Overdue', 'cases.repeat': 'Repeat', 'cases.links': 'Links', 'cases.unassigned': 'Unassigned', 'cases.searchPh': 'Title, customer, case number',
  'cases.description': 'Description', 'cases.notes': 'Notes', 'cases.attachments': 'Attachments', 'cases.linked': 'Linked alerts and calls',
  'cases.historyTitle': 'History', 'cases.related': "Customer's other cases", 'cases.addNote': 'Add note', 'cases.notePh': 'What was done, call-back results…',
  'cases.upload': 'Attach file', 'cases.noNotes': 'No notes.', 'cases.noAttachments': 'No attachments.', 'cases.noLinks': 'Nothing linked.',
  'cases.workflow': 'Workflow', 'cases.reason': 'Reason', 'cases.resolution': 'Resolution', 'cases.move': 'Change status', 'cases.edit': 'Edit',
  'cases.created': 'Case created', 'cases.severity': 'Severity', 'cases.customerId': 'Customer id', 'cases.dueLeft': 'left', 'cases.dueOver': 'overdue',
  'cases.sla': 'SLA', 'cases.repeatOf': 'Repeats an earlier case', 'cases.repeatCount': 'Re-contacts', 'cases.source.alert': 'From an alert',
  'cases.source.manual': 'Entered by hand', 'cases.createdBy': 'Created by', 'cases.auto': 'automatic', 'cases.assignTo': 'Assign to', 'cases.tooLarge': 'The file is too large',
  'rules.title': 'Detection rules', 'rules.version': 'Version', 'rules.published': 'Published', 'rules.list': 'Rules', 'rules.editor': 'Edit rules (JSON)',
  'rules.validate': 'Validate', 'rules.valid': 'The rule set is valid', 'rules.test': 'Test a sentence', 'rules.testPh': 'e.g. 이거 해결 안 되면 금감원에 민원 넣을 거예요',
  'rules.runTest': 'Test', 'rules.noHits': 'No rule matched.', 'rules.backtest': 'Backtest on history', 'rules.from': 'From', 'rules.to': 'To',
  'rules.runBacktest': 'Run backtest', 'rules.publish': 'Publish new version', 'rules.note': 'Change note', 'rules.versions': 'Versions',
  'rules.rollback': 'Roll back to this', 'rules.live': 'Live', 'rules.candidate': 'Draft', 'rules.added': 'Newly caught', 'rules.removed': 'No longer caught',
  'rules.utterances': 'utterances', 'rules.terms': 'Terms', 'rules.draftChanged': 'You have unpublished edits', 'rules.reset': 'Reset to live',
  'rules.useDraft': 'Test with the draft', 'rules.negated': 'negated', 'rules.speaker': 'Speaker', 'rules.notReady': 'The rules API is not available yet.',
  'rules.published.ok': 'New version published', 'rules.composite': 'Composite', 'rules.count': '{n} rules', 'rules.bundled': 'bundled dictionary', 'rules.noVersions': 'No version published yet (bundled dictionary in use).', 'alerts.move': 'move', 'audit.sub': 'append-only record', 'rules.filter': 'Filter rules',
  'search.title': 'Search', 'search.ph': 'Transcript text, customer id, case title…', 'search.transcripts': 'Transcripts', 'search.alerts': 'Alerts', 'search.cases': 'Cases',
  'search.none': 'Nothing found.', 'search.hint': 'Find calls, alerts and complaint cases at once.',
  'audit.title': 'Audit trail', 'audit.actor': 'User', 'audit.action': 'Action', 'audit.target': 'Target', 'audit.details': 'Details', 'audit.empty': 'No entries.',
  'audit.actionFilter': 'Action (e.g. case.created)',
  'nav.delivery': 'Delivery', 'delivery.title': 'Delivery to other systems', 'delivery.sub': 'Alerts and case changes sent to webhooks, Slack, Teams and e-mail',
  'delivery.pending': 'Pending', 'delivery.dead': 'Dead letters', 'delivery.openCircuits': 'Receivers paused', 'delivery.lag': 'Events not yet relayed',
  'delivery.subscriptions': 'Subscriptions', 'delivery.none': 'No subscriptions.', 'delivery.noneHint': 'Add webhook, Slack, Teams or e-mail receivers with POST /api/subscriptions.',
  'delivery.name': 'Name', 'delivery.kind': 'Kind', 'delivery.target': 'Target', 'delivery.events': 'Events', 'delivery.health': 'Health',
  'delivery.disabled': 'disabled', 'delivery.test': 'Send test', 'delivery.test.ok': 'test message delivered', 'delivery.test.failed': 'test message failed',
  'delivery.circuit.closed': 'Healthy', 'delivery.circuit.open': 'Paused', 'delivery.circuit.half_open': 'Probing', 'delivery.failures': ' failures in a row', 'delivery.openUntil': 'next try',
  'delivery.deadLetters': 'Dead letters', 'delivery.noDead': 'No dead letters.', 'delivery.subscription': 'Subscription', 'delivery.event': 'Event',
  'delivery.attempts': 'Attempts', 'delivery.lastError': 'Last error', 'delivery.replay': 'Replay', 'delivery.replayed': 'queued again',
  'delivery.add': 'Add subscription', 'delivery.added': 'Subscription added', 'delivery.enable': 'Enable', 'delivery.disable': 'Disable', 'delivery.targetUrl': 'Receiver URL (webhook)', 'delivery.targetEmail': 'Recipients (comma-separated)',
  'delivery.minSeverity': 'Minimum severity', 'delivery.any': 'any', 'delivery.secretTitle': 'Signing secret (shown once)', 'delivery.secretHint': 'Store this in the receiving system to verify X-Radar-Signature. It cannot be shown again.', 'delivery.secretDone': 'I stored it',
  'delivery.edit': 'Edit', 'delivery.edited': 'Subscription changed', 'delivery.delete': 'Delete', 'delivery.deleted': 'Subscription deleted',
  'delivery.deleteConfirm': 'This deletes the subscription, with its waiting deliveries. It cannot be undone.',
  'delivery.rotate': 'New secret', 'delivery.rotateConfirm': 'A new signing secret replaces the current one. Receivers verifying with the old one must switch to the new one.',
  'nav.briefing': 'Daily briefing', 'brief.title': 'Daily briefing', 'brief.asOf': 'As of', 'brief.schedule': 'Made every day at', 'brief.trigger.schedule': 'scheduled',
  'brief.trigger.catch_up': 'scheduled (after a restart)', 'brief.trigger.manual': 'made by hand', 'brief.prev': 'Previous day', 'brief.next': 'Next day', 'brief.pick': 'Pick a day',
  'brief.print': 'Print', 'brief.generate': 'Make briefing', 'brief.regenerate': 'Make again', 'brief.generated': 'Briefing made',
  'brief.none': 'No briefing for this day yet.', 'brief.noneHint': 'Press “Make briefing” to make it now.', 'brief.noneWait': 'It is made automatically every day.',
  'brief.partial': 'This day was not over yet: the figures so far.', 'brief.calls': 'Monitored calls', 'brief.alerts': 'Alerts', 'brief.high': 'High-severity alerts (4–5)',
  'brief.talk': 'Talk time', 'brief.noEnded': 'no call ended', 'brief.ended': 'ended', 'brief.avg': 'avg', 'brief.newCases': 'New cases',
  'brief.openCases': 'Open cases', 'brief.sla': 'Past due (SLA)', 'brief.slaHint': 'open cases past their due date', 'brief.repeats': 'Repeat complaints',
  'brief.warnings': 'Issues and spikes', 'brief.warningsNA': 'early warning not installed', 'brief.noWarnings': 'No early warning that day.',
  'brief.prevDay': 'Day before', 'brief.weekBefore': 'Week before', 'brief.theDay': 'The day', 'brief.fp': 'false positives', 'brief.escalated': 'escalated',
  'brief.byCategory': 'Alerts by category', 'brief.byHour': 'Alerts by hour', 'brief.noAlerts': 'No alerts.', 'brief.topCalls': 'Top alerted calls',
  'brief.why': 'Why (rule · matched words)', 'brief.noNewCases': 'No new cases.', 'brief.noSla': 'No case past due.',
  'brief.noRepeats': 'No repeat complaints.', 'brief.kind': 'Kind', 'brief.recontact': 'Came back', 'brief.reopened': 'Repeats a finished case',
  'brief.issue': 'Issue', 'brief.callsShort': 'Calls', 'brief.baseline': 'Usual', 'brief.topRules': 'Top rules', 'brief.topPhrases': 'Top phrases',
  'brief.rule': 'Rule', 'brief.hits': 'Hits', 'brief.phrase': 'Phrase', 'brief.hours': ' h',
  'err.title': 'Something went wrong', 'err.forbidden': 'You may not see this screen.', notFound: 'Page not found.',
};

/** Risk categories of the default dictionary; others show their id. */
const CATEGORIES: Record<string, { ko: string; en: string; color: string }> = {
  external_authority: { ko: '대외기관 민원', en: 'External authority', color: '#d6336c' },
  media: { ko: '언론·SNS 제보', en: 'Press / social media', color: '#f76707' },
  legal: { ko: '법적 대응', en: 'Legal action', color: '#7048e8' },
  complaint: { ko: '명시적 불만', en: 'Explicit complaint', color: '#1c7ed6' },
  churn: { ko: '해지 위협', en: 'Churn threat', color: '#0ca678' },
  repeat: { ko: '반복 민원', en: 'Repeat contact', color: '#e8590c' },
  repeat_contact: { ko: '반복 민원', en: 'Repeat contact', color: '#e8590c' },
  abuse: { ko: '폭언·욕설', en: 'Abuse of agent', color: '#495057' },
};
export const CATEGORY_IDS = ['external_authority', 'media', 'legal', 'complaint', 'churn', 'repeat', 'abuse'];

// Screens with many strings keep them beside the page (pages/*.i18n.ts); merged here.
for (const d of [STATISTICS_TEXT, SURVEYS_TEXT, INSPECTIONS_TEXT, USERS_TEXT, VOS_TEXT, PANEL_TEXT, ANALYSIS_TEXT]) { Object.assign(KO, d.ko); Object.assign(EN, d.en); }

const LangCtx = createContext<{ lang: Lang; setLang(l: Lang): void }>({ lang: 'ko', setLang: () => {} });

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('radar.lang') === 'en' ? 'en' : 'ko'));
  const setLang = (l: Lang) => {
    localStorage.setItem('radar.lang', l);
    document.documentElement.lang = l;
    setLangState(l);
  };
  return <LangCtx.Provider value={{ lang, setLang }}>{children}</LangCtx.Provider>;
}

export function useLang() {
  return useContext(LangCtx);
}

export function useT() {
  const { lang } = useContext(LangCtx);
  const t = (key: string) => (lang === 'en' ? EN[key] ?? KO[key] : KO[key]) ?? key;
  const cat = (id: string | null | undefined) => (id ? CATEGORIES[id]?.[lang] ?? id : '—');
  return { t, cat, lang };
}

export const categoryColor = (id: string | null | undefined) => (id && CATEGORIES[id]?.color) || '#868e96';
