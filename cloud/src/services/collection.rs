//! Collection use cases: what the engine needs of a tenant ([`PlanInputs`], read in one place),
//! a debtor's collection state and its change, on-demand runs, out of collection and the
//! forecast, pauses and the action history. The JSON API and the portal call these; the runner
//! reads the same [`PlanInputs`].

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use inkaso_shared::ExternalId;

use super::{App, ServiceError};
use crate::domain::Invalid;
use crate::domain::collection::{
    check_forecast_days, check_on_demand, check_pause, clean_tags, request_id,
};
use crate::domain::ids::AgentId;
use crate::process::calendar::local_date;
use crate::process::state::{AmountOverflow, DebtorRows};
use crate::process::{
    AssignedBy, DebtorCase, DebtorState, Decision, GroupRule, OnDemand, OutOfCollection,
    PlanContext, Process, assign_debtor, forecast, out_of_collection, plan_on_demand,
    suggest_process,
};
use crate::process::{Pause, PauseKind};
use crate::store::collection::{
    ActionQuery, ActionScope, ChannelPauseView, CollectionStateView, DebtorRef, PauseView,
};
use crate::store::processes::{ActionView, CollectionSettings, DebtorCollectionChange};
use crate::store::query::MAX_PAGE;
use crate::store::query::Page;
use crate::store::{Store, StoreError, TenantScope, new_id};

/// Everything the planner needs of a tenant besides its debtors: the settings (policy), the
/// processes and group rules, and each agent's last sync (fresh-data guard).
#[derive(Debug, Clone)]
pub struct PlanInputs {
    /// Collection settings, with the tenant's policy.
    pub settings: CollectionSettings,
    /// The processes.
    pub processes: Vec<Process>,
    /// The group rules, in order.
    pub rules: Vec<GroupRule>,
    /// When each agent last synced.
    pub last_sync: HashMap<AgentId, DateTime<Utc>>,
}

impl PlanInputs {
    /// Reads the inputs: four queries, whatever the number of debtors.
    pub async fn load(store: &Store, tenant: &TenantScope) -> Result<PlanInputs, StoreError> {
        Ok(PlanInputs {
            settings: store.collection_settings(tenant).await?,
            processes: store.processes(tenant).await?,
            rules: store.group_rules(tenant).await?,
            last_sync: store.agents_last_sync(tenant).await?,
        })
    }

    /// The planner's context for a debtor of `agent` at `now`.
    pub fn context(
        &self,
        agent: &AgentId,
        now: DateTime<Utc>,
        include_not_yet: bool,
    ) -> PlanContext<'_> {
        PlanContext {
            now,
            policy: &self.settings.policy,
            last_sync: self.last_sync.get(agent).copied(),
            include_not_yet,
        }
    }

    /// The debtor's process and why it got it.
    pub fn assignment(
        &self,
        rows: &DebtorRows,
    ) -> Result<Option<(&Process, AssignedBy)>, ServiceError> {
        rows.assignment(&self.processes, &self.rules)
            .map_err(overflow)
    }

    /// The process an on-demand run uses: the one named, else the debtors' common one by
    /// Optima's rule ([`suggest_process`]).
    fn on_demand_process(
        &self,
        named: Option<&str>,
        debtors: &[(DebtorRows, Vec<ExternalId>)],
    ) -> Result<&Process, ServiceError> {
        if let Some(code) = named {
            return Ok(self.process(code)?);
        }
        let mut theirs: Vec<&str> = Vec::new();
        for (rows, _) in debtors {
            if let Some((p, _)) = self.assignment(rows)? {
                theirs.push(p.code.as_str());
            }
        }
        suggest_process(&self.processes, &theirs)
            .ok_or_else(|| ServiceError::conflict("err-service-no-process-for-documents", &[]))
    }

    fn process(&self, code: &str) -> Result<&Process, Invalid> {
        self.processes
            .iter()
            .find(|x| x.code == code)
            .ok_or_else(|| no_process("process", code))
    }
}

fn no_process(field: &str, code: &str) -> Invalid {
    Invalid::new(field, "err-service-no-process", &[("code", code.into())])
}

/// An ERP key the store gave back: it was checked when it came in, so a bad one is corrupt data.
fn stored_id(text: &str) -> Result<ExternalId, StoreError> {
    ExternalId::new(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn overflow(e: AmountOverflow) -> ServiceError {
    ServiceError::Invalid(Invalid::of("documents", &e))
}

/// A debtor's stored collection state and the process it gets now.
#[derive(Debug, Clone)]
pub struct DebtorCollection {
    /// What is stored.
    pub state: CollectionStateView,
    /// The process assigned now and why; `None`: out of collection.
    pub assignment: Option<(String, AssignedBy)>,
}

/// A request to run chosen stages for chosen documents now.
#[derive(Debug, Clone)]
pub struct OnDemandOrder {
    /// The client's id for the request (retries perform nothing twice); a new one when absent.
    pub request_id: Option<String>,
    /// The process whose stages run; when absent, the documents' common process.
    pub process: Option<String>,
    /// Stage codes.
    pub stages: Vec<String>,
    /// Documents (API ids).
    pub documents: Vec<String>,
}

/// What an on-demand run decided and performed.
#[derive(Debug, Clone)]
pub struct OnDemandRun {
    /// The request's id.
    pub request_id: String,
    /// The process whose stages ran.
    pub process: String,
    /// Every decision, due or skipped with its reason.
    pub decisions: Vec<Decision>,
    /// The actions recorded for the request, as performed.
    pub actions: Vec<ActionView>,
    /// Documents asked for that are no longer open (API ids).
    pub not_open: Vec<String>,
}

/// A new pause of a debtor's collection.
#[derive(Debug, Clone)]
pub struct NewPauseOrder {
    /// Promise to pay, dispute or manual.
    pub kind: PauseKind,
    /// Its last day (inclusive).
    pub until: Option<chrono::NaiveDate>,
    /// The reason or the debtor's words.
    pub reason: String,
    /// Only this document (its API id); otherwise every document of the debtor.
    pub document_id: Option<String>,
}

/// An overdue document no stage covers any more, with its agent.
#[derive(Debug, Clone)]
pub struct OutOfCollectionRow {
    /// The agent the debtor comes from.
    pub agent: AgentId,
    /// The document and why.
    pub item: OutOfCollection,
}

/// One action the forecast expects, with its agent.
#[derive(Debug, Clone)]
pub struct ForecastRow {
    /// The agent the debtor comes from.
    pub agent: AgentId,
    /// The decision: due, or skipped with its reason.
    pub decision: Decision,
}

/// Whose action history.
#[derive(Debug, Clone, Copy)]
pub enum HistoryOf<'a> {
    /// Every action of the tenant.
    Tenant,
    /// A debtor's, by its API id.
    Debtor(&'a str),
    /// A document's, by its API id.
    Document(&'a str),
}

impl App {
    /// A debtor's collection state (by its API id) and the process it gets now.
    pub async fn debtor_collection(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
    ) -> Result<DebtorCollection, ServiceError> {
        let debtor = self.store.debtor_ref(tenant, debtor_id).await?;
        self.collection_of(tenant, &debtor).await
    }

    async fn collection_of(
        &self,
        tenant: &TenantScope,
        debtor: &DebtorRef,
    ) -> Result<DebtorCollection, ServiceError> {
        let stored = self.store.collection_state(tenant, debtor).await?;
        let key = [(debtor.agent_id.clone(), debtor.external_id.clone())];
        let rows = self.store.debtor_rows(tenant, Some(&key)).await?;
        let processes = self.store.processes(tenant).await?;
        let rules = self.store.group_rules(tenant).await?;
        // Without open documents the planner has no rows for the debtor; assignment then sees
        // the stored own process and tags only, with nothing owed.
        let found = if let Some(r) = rows.first() {
            r.assignment(&processes, &rules).map_err(overflow)?
        } else {
            let mut s = DebtorState::new(stored_id(&debtor.external_id)?, debtor.kind);
            s.own_process.clone_from(&stored.own_process);
            s.tags.clone_from(&stored.tags);
            assign_debtor(&processes, &rules, &s, &[]).map_err(overflow)?
        };
        Ok(DebtorCollection {
            state: stored,
            assignment: found.map(|(p, by)| (p.code.clone(), by)),
        })
    }

    /// Changes a debtor's collection state: its own process must exist, tags are cleaned
    /// ([`clean_tags`]); audited as `debtor.collection`.
    pub async fn change_debtor_collection(
        &self,
        tenant: &TenantScope,
        actor: &str,
        debtor_id: &str,
        mut change: DebtorCollectionChange,
    ) -> Result<DebtorCollection, ServiceError> {
        let debtor = self.store.debtor_ref(tenant, debtor_id).await?;
        if let Some(Some(code)) = &change.own_process
            && !self
                .store
                .processes(tenant)
                .await?
                .iter()
                .any(|x| &x.code == code)
        {
            return Err(no_process("own_process", code).into());
        }
        if let Some(tags) = &change.tags {
            change.tags = Some(clean_tags(tags)?);
        }
        change.last_contact_at = None;
        let now = self.clock.now();
        self.store
            .update_debtor_collection(tenant, &debtor.agent_id, &debtor.external_id, &change, now)
            .await?;
        self.plans_changed(tenant);
        self.store
            .audit(
                tenant,
                actor,
                "debtor.collection",
                &debtor.debtor_id,
                "",
                now,
            )
            .await?;
        self.collection_of(tenant, &debtor).await
    }

    /// Runs chosen stages for chosen documents now: timing is ignored, every guard is kept;
    /// the actions are recorded as manual and performed at once through the runner's own path.
    /// Reads the documents and their debtors set-based (a few queries for a thousand documents).
    pub async fn run_on_demand(
        &self,
        tenant: &TenantScope,
        actor: &str,
        order: OnDemandOrder,
    ) -> Result<OnDemandRun, ServiceError> {
        check_on_demand(order.stages.len(), order.documents.len())?;
        let request_id = match &order.request_id {
            Some(r) => request_id(r)?,
            None => new_id(),
        };
        // The documents, grouped by debtor (agent, ERP id).
        let mut groups: BTreeMap<(AgentId, String), Vec<ExternalId>> = BTreeMap::new();
        let mut not_open = Vec::new();
        for d in self.store.document_refs(tenant, &order.documents).await? {
            if !d.open {
                not_open.push(d.document_id);
                continue;
            }
            let ext = stored_id(&d.external_id)?;
            groups
                .entry((d.agent_id, d.debtor_external_id))
                .or_default()
                .push(ext);
        }
        let inputs = PlanInputs::load(&self.store, tenant).await?;
        let keys: Vec<(AgentId, String)> = groups.keys().cloned().collect();
        let debtors: Vec<(DebtorRows, Vec<ExternalId>)> = self
            .store
            .debtor_rows(tenant, Some(&keys))
            .await?
            .into_iter()
            .filter_map(|rows| {
                let key = (
                    rows.agent_id.clone(),
                    rows.state.external_id.as_str().to_owned(),
                );
                groups.remove(&key).map(|docs| (rows, docs))
            })
            .collect();
        let process = inputs.on_demand_process(order.process.as_deref(), &debtors)?;
        let now = self.clock.now();
        let mut all = Vec::new();
        for (rows, docs) in &debtors {
            let request = OnDemand {
                request: request_id.clone(),
                stages: order.stages.clone(),
                documents: docs.clone(),
            };
            all.extend(
                self.record_on_demand(tenant, &inputs, process, &request, rows, now)
                    .await?,
            );
        }
        self.plans_changed(tenant);
        self.store
            .audit(
                tenant,
                actor,
                "actions.on_demand",
                &request_id,
                &format!("{}: {}", process.code, order.stages.join(", ")),
                now,
            )
            .await?;
        self.tick(tenant).await?;
        let prefix = format!("manual/{request_id}/");
        let actions = self
            .store
            .list_actions(
                tenant,
                ActionScope::KeyPrefix(&prefix),
                &ActionQuery {
                    limit: Some(MAX_PAGE),
                    ..ActionQuery::default()
                },
            )
            .await?
            .items;
        Ok(OnDemandRun {
            request_id,
            process: process.code.clone(),
            decisions: all,
            actions,
            not_open,
        })
    }

    /// Plans one debtor's part of an on-demand request and records it through the runner's
    /// own path; the debtor's wake-up and hold are the automatic plan's and are kept.
    async fn record_on_demand(
        &self,
        tenant: &TenantScope,
        inputs: &PlanInputs,
        process: &Process,
        request: &OnDemand,
        rows: &DebtorRows,
        now: DateTime<Utc>,
    ) -> Result<Vec<Decision>, ServiceError> {
        let mut decisions = Vec::new();
        plan_on_demand(
            &inputs.context(&rows.agent_id, now, false),
            process,
            request,
            &rows.input(),
            &mut decisions,
        )
        .map_err(|e| Invalid::of("stages", &e))?;
        let current = self
            .store
            .collection_state(
                tenant,
                &DebtorRef {
                    debtor_id: String::new(),
                    agent_id: rows.agent_id.clone(),
                    external_id: rows.state.external_id.as_str().to_owned(),
                    kind: rows.state.kind,
                },
            )
            .await?;
        self.store
            .record_decisions(
                tenant,
                &rows.agent_id,
                rows.state.external_id.as_str(),
                &decisions,
                current.next_wake_at,
                current.hold_reason,
                now,
            )
            .await?;
        Ok(decisions)
    }

    /// A debtor's pauses (by its API id), newest first, lifted ones included.
    pub async fn debtor_pauses(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
    ) -> Result<Vec<PauseView>, ServiceError> {
        let debtor = self.store.debtor_ref(tenant, debtor_id).await?;
        let today = local_date(self.clock.now());
        Ok(self.store.pauses(tenant, &debtor, today).await?)
    }

    /// Pauses collection for a debtor or one of its documents ([`check_pause`]); a promise to
    /// pay also goes to the agent's results feed. Audited as `debtor.pause`.
    pub async fn add_pause(
        &self,
        tenant: &TenantScope,
        actor: &str,
        debtor_id: &str,
        order: NewPauseOrder,
    ) -> Result<PauseView, ServiceError> {
        let debtor = self.store.debtor_ref(tenant, debtor_id).await?;
        let now = self.clock.now();
        let today = local_date(now);
        let reason = check_pause(order.kind, order.until, &order.reason, today)?;
        let document = match &order.document_id {
            None => None,
            Some(doc_id) => {
                let d = self.store.document_ref(tenant, doc_id).await.map_err(|_| {
                    Invalid::new(
                        "document_id",
                        "err-service-no-document",
                        &[("id", doc_id.into())],
                    )
                })?;
                if d.agent_id != debtor.agent_id || d.debtor_external_id != debtor.external_id {
                    return Err(Invalid::new(
                        "document_id",
                        "err-service-document-of-another-debtor",
                        &[],
                    )
                    .into());
                }
                Some(stored_id(&d.external_id)?)
            }
        };
        let pause = Pause {
            kind: order.kind,
            until: order.until,
            reason,
            document,
        };
        let pause_id = self
            .store
            .add_pause_reported(tenant, &debtor, &pause, actor, now)
            .await?;
        self.plans_changed(tenant);
        self.store
            .audit(
                tenant,
                actor,
                "debtor.pause",
                &debtor.debtor_id,
                &pause_id,
                now,
            )
            .await?;
        self.store
            .pauses(tenant, &debtor, today)
            .await?
            .into_iter()
            .find(|x| x.id == pause_id)
            .ok_or_else(|| {
                StoreError::not_found("err-what-pause", &[("id", pause_id.into())]).into()
            })
    }

    /// Lifts a debtor's pause. Audited as `debtor.pause_lift`.
    pub async fn lift_pause(
        &self,
        tenant: &TenantScope,
        actor: &str,
        debtor_id: &str,
        pause_id: &str,
    ) -> Result<(), ServiceError> {
        let debtor = self.store.debtor_ref(tenant, debtor_id).await?;
        let now = self.clock.now();
        self.store
            .lift_pause(tenant, &debtor, pause_id, actor, now)
            .await?;
        self.plans_changed(tenant);
        self.store
            .audit(
                tenant,
                actor,
                "debtor.pause_lift",
                &debtor.debtor_id,
                pause_id,
                now,
            )
            .await?;
        Ok(())
    }

    /// Channels a provider paused for the tenant.
    pub async fn channel_pauses(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<ChannelPauseView>, ServiceError> {
        Ok(self.store.channel_pauses(tenant).await?)
    }

    /// The action history (R-P6): the tenant's, a debtor's or a document's (by API id).
    pub async fn actions(
        &self,
        tenant: &TenantScope,
        of: HistoryOf<'_>,
        q: &ActionQuery,
    ) -> Result<Page<ActionView>, ServiceError> {
        Ok(match of {
            HistoryOf::Tenant => self.store.list_actions(tenant, ActionScope::All, q).await?,
            HistoryOf::Debtor(id) => {
                let debtor = self.store.debtor_ref(tenant, id).await?;
                self.store
                    .list_actions(tenant, ActionScope::Debtor(&debtor), q)
                    .await?
            }
            HistoryOf::Document(id) => {
                let doc = self.store.document_ref(tenant, id).await?;
                self.store
                    .list_actions(tenant, ActionScope::Document(&doc), q)
                    .await?
            }
        })
    }

    /// Overdue documents no stage covers any more (Optima's "Poza windykacją").
    pub async fn out_of_collection(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<OutOfCollectionRow>, ServiceError> {
        let inputs = PlanInputs::load(&self.store, tenant).await?;
        let now = self.clock.now();
        let mut out = Vec::new();
        for rows in self.store.debtor_rows(tenant, None).await? {
            let process = inputs.assignment(&rows)?.map(|(p, _)| p);
            out.extend(
                out_of_collection(process, &rows.input(), now)
                    .into_iter()
                    .map(|item| OutOfCollectionRow {
                        agent: rows.agent_id.clone(),
                        item,
                    }),
            );
        }
        Ok(out)
    }

    /// What the processes will do over the next `days` days for the current data (of one
    /// debtor, by API id, when given), assuming nobody pays and the agent keeps syncing; in
    /// time order.
    pub async fn forecast(
        &self,
        tenant: &TenantScope,
        days: u32,
        debtor_id: Option<&str>,
    ) -> Result<Vec<ForecastRow>, ServiceError> {
        check_forecast_days(days)?;
        let only = match debtor_id {
            Some(id) => {
                let d = self.store.debtor_ref(tenant, id).await?;
                Some([(d.agent_id, d.external_id)])
            }
            None => None,
        };
        let inputs = PlanInputs::load(&self.store, tenant).await?;
        let now = self.clock.now();
        let mut out = Vec::new();
        for rows in self
            .store
            .debtor_rows(tenant, only.as_ref().map(<[_; 1]>::as_slice))
            .await?
        {
            let Some((process, _)) = inputs.assignment(&rows)? else {
                continue;
            };
            let agent = rows.agent_id;
            let case = DebtorCase {
                debtor: rows.state,
                documents: rows.documents,
                history: rows.history,
            };
            out.extend(
                forecast(&inputs.settings.policy, process, &case, now, days)
                    .into_iter()
                    .map(|decision| ForecastRow {
                        agent: agent.clone(),
                        decision,
                    }),
            );
        }
        out.sort_by(|a, b| {
            a.decision
                .slot
                .cmp(&b.decision.slot)
                .then_with(|| a.decision.debtor.cmp(&b.decision.debtor))
        });
        Ok(out)
    }
}
