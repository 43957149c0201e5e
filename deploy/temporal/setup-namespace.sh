#!/bin/sh
# Creates the namespace and the search attributes ops filter on (contracts/workflow.ts SA). Safe to run again.
set -eu
until temporal operator cluster health --address "${TEMPORAL_ADDRESS}" | grep -q SERVING; do echo 'waiting for Temporal'; sleep 2; done
temporal operator namespace create --address "${TEMPORAL_ADDRESS}" --namespace "${NAMESPACE}" --retention 30d || true
for sa in GrievanceId=Keyword DepartmentCode=Keyword DistrictCode=Keyword GrievanceCycle=Int DeliveryStatus=Keyword FeedbackOutcome=Keyword EscalationLevel=Int AtrOutcome=Keyword DeliveryBlocked=Keyword EscalationStatus=Keyword EscalationSlaDue=Datetime EscalationVigilance=Bool; do
  temporal operator search-attribute create --address "${TEMPORAL_ADDRESS}" --namespace "${NAMESPACE}" --name "${sa%%=*}" --type "${sa#*=}" || true
done
echo 'namespace and search attributes ready'
