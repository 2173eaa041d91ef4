//! `StartApiLogin`: a login for one API's token alone (see
//! [`SessionService::login_for_api`]), answered as any login is, with the
//! session as stored (the API's token held, the login's own unchanged).

use super::{Effects, lock};
use crate::auth::Session;
use crate::config::ApiRef;
use crate::session::{LoginEvent, SessionService};
use crate::tui::message::Msg;
use crate::tui::model::LoginFlow;
use crate::tui::task_messages::login_message;

impl Effects {
    pub(super) fn start_api_login(
        &self,
        provider: String,
        generation: u64,
        flow: LoginFlow,
        api: ApiRef,
        session: Box<Session>,
    ) {
        let service: std::sync::Arc<SessionService> = self.service.clone();
        let tx = self.tx.clone();
        let logins = self.logins.clone();
        let pastes = self.pastes.clone();
        let clock = self.clock.clone();
        let request = self.login_request(provider, generation, flow, false, Vec::new());
        let handle = self.spawn_handle(async move {
            let events = |event: LoginEvent| {
                if let Some(msg) = login_message(generation, event, &clock) {
                    let _ = tx.send(msg);
                }
            };
            let result = service
                .login_for_api(request, &session, &api, &events)
                .await
                .map(|logged_in| Box::new(logged_in.session))
                .map_err(|e| e.to_string());
            lock(&logins).remove(&generation);
            lock(&pastes).remove(&generation);
            Some(Msg::LoginFinished { generation, result })
        });
        lock(&self.logins).insert(generation, handle);
    }
}
