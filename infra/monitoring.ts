/**
 * The ops view of a ChatlineOrchestrator: one dashboard and the alarms that page someone.
 * Custom metrics come from the Lambda steps (handlers/lambda/metric-names.ts, Powertools EMF with
 * the `service` dimension); the rest are the services' own metrics.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CHATLINE_METRICS } from '../handlers/lambda/metric-names';

export interface ChatlineAlarmThresholds {
  /**
   * resume-chat executions failed in 5 minutes: a terminal Connect answer (recorded FAILED), or a
   * transient one that outlasted the Associate retries (redrive the execution). @default 1
   */
  readonly resumeChatFailed?: number;
  /** contact-events executions failed or timed out, rejected events excluded, in 5 minutes. @default 1 */
  readonly contactEventsFailed?: number;
  /** Messages waiting in the rule DLQ. @default 1 */
  readonly deadLetterQueueDepth?: number;
  /** Throttles of Step Functions executions, Lambda steps and EventBridge rules in 5 minutes. @default 5 */
  readonly throttles?: number;
}

export interface ChatlineMonitoringProps {
  readonly namespace: string;
  readonly serviceName: string;
  readonly contactEvents: sfn.StateMachine;
  readonly resumeChat: sfn.StateMachine;
  readonly functions: readonly lambda.IFunction[];
  readonly rules: readonly events.IRule[];
  readonly deadLetterQueue: sqs.IQueue;
  readonly createAlarms: boolean;
  readonly createDashboard: boolean;
  readonly thresholds?: ChatlineAlarmThresholds;
  readonly alarmTopic?: sns.ITopic;
}

type CustomMetric = (typeof CHATLINE_METRICS)[keyof typeof CHATLINE_METRICS];

const PERIOD = Duration.minutes(5);

export class ChatlineMonitoring extends Construct {
  readonly dashboard?: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly props: ChatlineMonitoringProps;

  constructor(scope: Construct, id: string, props: ChatlineMonitoringProps) {
    super(scope, id);
    this.props = props;
    const { contactEvents, resumeChat, functions, rules, deadLetterQueue: dlq } = props;
    const t = props.thresholds ?? {};

    const rejected = this.custom(CHATLINE_METRICS.eventsRejected);
    const throttleMetrics: Record<string, cloudwatch.IMetric> = {
      sfnContact: contactEvents.metricThrottled({ period: PERIOD }),
      sfnResume: resumeChat.metricThrottled({ period: PERIOD }),
      ...Object.fromEntries(functions.map((f, i) => [`lambda${i}`, f.metricThrottles({ period: PERIOD })])),
      ...Object.fromEntries(rules.map((r, i) => [`rule${i}`, eventsMetric('ThrottledRules', r)])),
    };
    const throttles = new cloudwatch.MathExpression({
      label: 'Throttles (all)',
      expression: Object.keys(throttleMetrics).map((k) => `FILL(${k}, 0)`).join(' + '),
      usingMetrics: throttleMetrics,
      period: PERIOD,
    });
    const contactFailures = new cloudwatch.MathExpression({
      label: 'contact-events failed or timed out, rejected events excluded',
      expression: 'FILL(failed, 0) + FILL(timedOut, 0) - FILL(rejected, 0)',
      usingMetrics: {
        failed: contactEvents.metricFailed({ period: PERIOD }),
        timedOut: contactEvents.metricTimedOut({ period: PERIOD }),
        rejected,
      },
      period: PERIOD,
    });

    if (props.createAlarms) {
      this.alarm('ResumeChatFailedAlarm', resumeChat.metricFailed({ period: PERIOD }), t.resumeChatFailed ?? 1,
        'chatline: resume-chat executions failed: FAILED resumptions (ledger, Chat Resumption Failed events) or Connect errors that outlasted the retries (redrive)');
      this.alarm('ContactEventsFailedAlarm', contactFailures, t.contactEventsFailed ?? 1,
        'chatline: contact-events executions failed or timed out (rejected events excluded)');
      this.alarm('DeadLetterQueueAlarm', dlq.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        t.deadLetterQueueDepth ?? 1, 'chatline: events EventBridge could not deliver to contact-events are waiting in the DLQ');
      this.alarm('ThrottlesAlarm', throttles, t.throttles ?? 5,
        'chatline: throttling of Step Functions executions, Lambda steps or EventBridge rules');
    }

    if (props.createDashboard) {
      const m = (name: CustomMetric, label: string): cloudwatch.IMetric => this.custom(name, { label });
      const returnToAssociation = (stat: string): cloudwatch.IMetric =>
        this.custom(CHATLINE_METRICS.returnToAssociationMs, { statistic: stat, label: `return → association ${stat}` });
      const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
      dashboard.addWidgets(
        graph('Events in', [
          m(CHATLINE_METRICS.eventsIn, 'events in'),
          m(CHATLINE_METRICS.segmentsRecorded, 'segments recorded'),
          m(CHATLINE_METRICS.duplicateEvents, 'duplicates'),
          m(CHATLINE_METRICS.eventsRejected, 'rejected'),
          m(CHATLINE_METRICS.returnsDetected, 'returns detected'),
        ]),
        graph('Resumptions', [
          m(CHATLINE_METRICS.resumptionsPlanned, 'planned'),
          m(CHATLINE_METRICS.resumptionsSucceeded, 'succeeded'),
          m(CHATLINE_METRICS.resumptionsFailed, 'failed'),
          m(CHATLINE_METRICS.resumptionsSkipped, 'skipped'),
          m(CHATLINE_METRICS.outcomesNotPublished, 'outcome event not published'),
        ]),
      );
      dashboard.addWidgets(
        graph('Time from return to association (ms)', [returnToAssociation('p50'), returnToAssociation('p99')]),
        graph('Throttles and retries', [
          throttles,
          m(CHATLINE_METRICS.pastSessionNotReady, 'past session not ready (retried)'),
          m(CHATLINE_METRICS.gapsFilled, 'segments filled from DescribeContact'),
          ...rules.map((r, i) => eventsMetric('RetryInvocationAttempts', r, `rule ${i === 0 ? 'A' : 'B'} retries`)),
        ]),
      );
      dashboard.addWidgets(
        graph('Rule DLQ', [
          dlq.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: 'DLQ depth' }),
          ...rules.map((r, i) => eventsMetric('InvocationsSentToDLQ', r, `rule ${i === 0 ? 'A' : 'B'} sent to DLQ`)),
          ...rules.map((r, i) => eventsMetric('FailedInvocations', r, `rule ${i === 0 ? 'A' : 'B'} failed invocations`)),
        ]),
        graph('Execution failures', [
          contactEvents.metricFailed({ period: PERIOD, label: 'contact-events failed' }),
          contactEvents.metricTimedOut({ period: PERIOD, label: 'contact-events timed out' }),
          resumeChat.metricFailed({ period: PERIOD, label: 'resume-chat failed' }),
          resumeChat.metricTimedOut({ period: PERIOD, label: 'resume-chat timed out' }),
          resumeChat.metricAborted({ period: PERIOD, label: 'resume-chat aborted' }),
        ]),
      );
      if (this.alarms.length > 0) {
        dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
      }
      this.dashboard = dashboard;
    }
  }

  private custom(metricName: CustomMetric, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.namespace,
      metricName,
      dimensionsMap: { service: this.props.serviceName },
      statistic: 'Sum',
      period: PERIOD,
      ...options,
    });
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    if (this.props.alarmTopic) alarm.addAlarmAction(new SnsAction(this.props.alarmTopic));
    this.alarms.push(alarm);
  }
}

function graph(title: string, metrics: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: metrics, width: 12, height: 6 });
}

/** EventBridge per-rule metrics (default bus: the RuleName dimension alone). */
function eventsMetric(metricName: string, rule: events.IRule, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName,
    dimensionsMap: { RuleName: rule.ruleName },
    statistic: 'Sum',
    period: PERIOD,
    ...(label ? { label } : {}),
  });
}
