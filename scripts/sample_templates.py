"""Template data for scripts/gen_sample.py (synthetic help-desk tickets).

Everything here is invented. Placeholders in braces ({host}, {user}, ...) are filled by
gen_sample.py; every slot name used here must exist in gen_sample.SLOTS.
Personal data is fake by construction: e-mail domains are example.com/example.org,
phone numbers come from ranges reserved for fiction (555-01xx, +44 20 7946 0xxx),
card and IBAN numbers are well-known test values.
"""

# Category weights (relative class sizes; largest/smallest is about 3).
CATEGORY_WEIGHTS = {
    "password_reset": 12.0, "access_request": 10.0, "account_lockout": 9.0,
    "software_install": 9.0, "hardware": 8.5, "network": 7.5, "email": 7.5,
    "vpn": 6.5, "printer": 6.0, "security_incident": 5.0, "storage": 4.5,
    "hr_onboarding": 4.5, "cloud_alert": 4.0, "database": 4.0,
}
OUT_OF_SCOPE_SHARE = 0.03
AMBIGUOUS_SHARE = 0.06

# Assignment group per category: (primary, [(secondary, probability), ...]).
QUEUES = {
    "access_request": ("identity_access", [("service_desk", 0.08), ("hr_it", 0.03)]),
    "account_lockout": ("identity_access", [("service_desk", 0.12)]),
    "password_reset": ("service_desk", [("identity_access", 0.12)]),
    "hardware": ("end_user_computing", [("service_desk", 0.08)]),
    "network": ("network_ops", [("service_desk", 0.05), ("security_ops", 0.02)]),
    "vpn": ("network_ops", [("identity_access", 0.06), ("service_desk", 0.04)]),
    "software_install": ("end_user_computing", [("service_desk", 0.08)]),
    "email": ("messaging", [("service_desk", 0.07), ("security_ops", 0.02)]),
    "printer": ("end_user_computing", [("service_desk", 0.10)]),
    "security_incident": ("security_ops", [("service_desk", 0.04), ("identity_access", 0.03)]),
    "cloud_alert": ("cloud_ops", [("data_platform", 0.05), ("security_ops", 0.03)]),
    "hr_onboarding": ("hr_it", [("identity_access", 0.08), ("end_user_computing", 0.03)]),
    "storage": ("infrastructure", [("cloud_ops", 0.05), ("end_user_computing", 0.06)]),
    "database": ("data_platform", [("infrastructure", 0.06), ("cloud_ops", 0.04)]),
    "out_of_scope": ("service_desk", []),
}

# Impact (individual, team, org) and urgency (low, medium, high) mix per category.
IMPACT_MIX = {
    "access_request": (0.80, 0.17, 0.03), "account_lockout": (0.85, 0.12, 0.03),
    "password_reset": (0.90, 0.08, 0.02), "hardware": (0.85, 0.12, 0.03),
    "network": (0.35, 0.40, 0.25), "vpn": (0.50, 0.30, 0.20),
    "software_install": (0.75, 0.22, 0.03), "email": (0.60, 0.25, 0.15),
    "printer": (0.55, 0.38, 0.07), "security_incident": (0.50, 0.25, 0.25),
    "cloud_alert": (0.15, 0.40, 0.45), "hr_onboarding": (0.85, 0.15, 0.00),
    "storage": (0.45, 0.40, 0.15), "database": (0.20, 0.40, 0.40),
}
URGENCY_MIX = {
    "access_request": (0.35, 0.50, 0.15), "account_lockout": (0.10, 0.50, 0.40),
    "password_reset": (0.20, 0.55, 0.25), "hardware": (0.30, 0.45, 0.25),
    "network": (0.10, 0.45, 0.45), "vpn": (0.10, 0.50, 0.40),
    "software_install": (0.45, 0.45, 0.10), "email": (0.20, 0.50, 0.30),
    "printer": (0.35, 0.45, 0.20), "security_incident": (0.05, 0.40, 0.55),
    "cloud_alert": (0.10, 0.40, 0.50), "hr_onboarding": (0.30, 0.55, 0.15),
    "storage": (0.25, 0.50, 0.25), "database": (0.10, 0.45, 0.45),
}

IMPACT_CUES = {
    "team": [
        "My whole team ({n} people) has the same problem.",
        "Several colleagues in {dept} are affected as well.",
        "Everyone on floor {floor} seems to have this.",
        "The {dept} team can't work properly because of this.",
        "{colleague} and a few others in my team see the same thing.",
        "It affects our whole department.",
    ],
    "org": [
        "All users are affected.",
        "This is affecting the whole company.",
        "Production is down.",
        "It looks like an outage for the entire {office} office.",
        "Customers are impacted and cannot use the portal.",
        "Every site is reporting the same issue, about {big} users.",
        "Nobody in the company can work on this right now.",
    ],
}
URGENCY_CUES = {
    "low": [
        "No rush.", "Whenever you get a chance.", "Not urgent at all.",
        "Low priority, it's only cosmetic.", "It's not blocking me, just annoying.",
        "Next week is fine.", "Whenever you have a moment, thanks.",
        "No hurry on this one.",
    ],
    "medium": [
        "It would be good to have this sorted today.",
        "It's slowing me down quite a bit.",
        "Could you look at it by end of day?",
        "I can work around it for now but not for long.",
    ],
    "high": [
        "URGENT please.", "Please help ASAP.", "This is blocking me completely.",
        "I have a client presentation in {mins} minutes.",
        "Month-end close is blocked until this is fixed.",
        "We can't process orders right now.",
        "This is critical, I need it fixed now.",
        "Deadline is in one hour, please hurry.",
    ],
}
VIP_CUES = [
    "This is for our CEO.", "It's the CFO's account.", "The request comes from our VP of {dept}.",
    "The board meeting starts at 2pm and the CEO needs this.",
]
SUBJECT_PREFIX = {
    "high": ["URGENT: ", "URGENT - ", "ASAP: ", "!!! ", "Urgent: "],
    "org": ["OUTAGE: ", "Major incident - ", "ALL USERS: ", "Production down - "],
}
SUBJECT_SUFFIX_LOW = [" (no rush)", " - low priority", " - not urgent", " (when you have time)"]

GREETINGS = ["Hi,", "Hello,", "Hi team,", "Hello IT,", "Dear Service Desk,", "Good morning,",
             "Hi all,", "Hey,", "Hallo,", "Hi {agent},", "Dear colleagues,", "Good afternoon,"]
CLOSINGS = ["Thanks", "Thank you!", "Thanks in advance.", "Cheers", "Many thanks,",
            "Thx", "Appreciate the help.", "Thanks a lot!"]
SIGNATURES = [
    "Regards,\n{rname}\n{rdept} | {phone}",
    "Best regards,\n{rname}\n{jobtitle}, {rdept}\n{office}\nT: {phone}",
    "Kind regards,\n{rname}\n{remail}",
    "--\n{rname} | {rdept}\nMobile: {phone}\nEmployee ID: {emp}",
    "Best,\n{rfirst}",
    "Thanks,\n{rname}\n{jobtitle}\n{remail} | {phone}",
    "Mit freundlichen Grüßen\n{rname}\n{rdept} | {phone}",
    "{rname}\nSent from my iPhone",
]
PII_SENTENCES = [
    "You can reach me on {phone}.", "My employee ID is {emp}.", "My username is {user}.",
    "Call me on my mobile {phone} if that's easier.", "Asset tag {asset}, IP address {ip}.",
    "Please reply to {remail}.", "My login is {user} and my desk phone is {phone}.",
    "For reference: {emp}, {user}.", "I'm on {phone} all day.",
]
PII_RARE = [
    "For the expense claim I used the company card {card}.",
    "Refund should go to {iban} as discussed.",
    "(The card on file is {card}, in case that matters.)",
]
FILLERS = [
    "I already restarted my laptop twice.", "It worked fine last week.",
    "Not sure if this is the right place to ask.", "Screenshot attached.",
    "I tried the steps in {kb} but they didn't help.",
    "My colleague suggested it might be related to the update on {day}.",
    "I'm working from {office} today.", "I also cleared the browser cache, no change.",
    "Sorry if this was already reported.", "I have no idea what changed.",
    "This started after I came back from lunch.", "I'm on {os}, if that helps.",
    "It happened once before in {month} and went away by itself.",
    "We had a similar ticket last month ({ticket_ref}).",
    "I'm not very technical so please bear with me.",
    "There's an error but I closed it before I could read it, something like {err}.",
]
CROSS_MENTIONS = [
    "Unrelated, but my monitor is also flickering sometimes.",
    "Also, the printer on my floor is jammed again, but that's another story.",
    "By the way, the Wi-Fi in the kitchen area is really slow.",
    "Side note: my password expires next week, will that matter?",
    "I also need access to the {dept} share at some point.",
    "The VPN was a bit slow yesterday too, not sure if related.",
    "Outlook was also acting up this morning.",
    "Also {app} asked me to update, I clicked later.",
]
AGENT_QUOTES = [
    "We have applied a fix, could you please check whether the problem is resolved?",
    "Could you send us a screenshot of the error message?",
    "We are closing this ticket as resolved. Reply to reopen it.",
    "Can you confirm your username and the time the issue started?",
]

C = {}  # category -> dict(subjects, bodies, details, terse, resolutions)

C["access_request"] = dict(
    subjects=["Access request: {sys}", "Need access to {sys}", "Please grant me access to {share}",
              "Request to be added to {group}", "Permission request for {sys} ({dept})",
              "Can I get read/write on {share}?", "Access to {sys} for {colleague}",
              "Requesting {role} role in {sys}", "Add me to {group}", "Need admin rights on my laptop",
              "Jira project access - {dept}", "Access to AWS account {awsacct}",
              "Elevated permissions for {host}", "New permission needed: {sys}"],
    bodies=["I need access to {sys} for the {dept} quarterly reporting. My manager {manager} has approved it.",
            "Could you please add me to the AD group {group}? I need it to open the files on {share}.",
            "I just moved to the {dept} team and I can't see the {share} folder. Can I get read/write access?",
            "Please give {colleague} the same permissions as me in {sys}. Their username is {user2}.",
            "I'm getting 'Access denied' ({err_auth}) when opening {sys}. I think I was never given a role there, can you add the {role} role?",
            "Requesting SSH access to {host} for the deployment next week. My public key is attached.",
            "I need local admin rights on my {laptop} to install drivers for the lab equipment. Approved by {manager}.",
            "Please grant me the {role} role in the AWS account {awsacct}. I'm working on the migration project.",
            "Can you add me to the Jira project {jira} and the matching Confluence space? I joined from {dept}.",
            "Our contractor {colleague} ({cemail}) needs temporary access to {sys} until {date}.",
            "I can log in to {sys} but all the menus are greyed out. I believe I need the {role} permission.",
            "Requesting access to the shared mailbox {mailbox}. My manager {manager} is in CC.",
            "I need write permission on the {db} schema for my dashboards, read-only is not enough.",
            "Which form do I fill in to get access to {sys}? {manager} said to open a ticket."],
    details=["Approval from {manager} is attached.", "Cost center {cc}.", "Read-only would be enough for now.",
             "I need it until the end of the project in {month}.", "Same access as {colleague} please.",
             "The group owner is {manager}.", "It's for the audit next month."],
    terse=["need access to {sys}", "pls add me to {group}", "access to {share} please", "{role} role in {sys} pls"],
    resolutions=["Added user to {group} after manager approval; access confirmed.",
                 "Granted {role} role in {sys}; user verified access.",
                 "Provisioned read/write on {share} via group membership.",
                 "Request approved by owner; permissions applied and user notified.",
                 "Temporary access granted until {date}; auto-expiry set.",
                 "Rejected: manager approval missing; user asked to resubmit with approval."])

C["account_lockout"] = dict(
    subjects=["Account locked out", "Locked out of my account", "My AD account is locked again",
              "Cannot log in - account locked", "User {user} locked out", "Account disabled?",
              "Keeps locking me out after password change", "Locked out of {sys}",
              "Too many failed attempts - locked", "Account lockout on my laptop", "MFA locked, can't sign in",
              "Unlock account please", "Login blocked: 'account has been locked'"],
    bodies=["My account {user} got locked this morning after I typed my password wrong a few times. Can you unlock it?",
            "I keep getting 'The referenced account is currently locked out and may not be logged on to' when I try to sign in.",
            "Since I changed my password yesterday my account locks every 30 minutes. I think my phone still uses the old password.",
            "I can't log in to my {laptop}. It says the account is locked. My employee ID is {emp}.",
            "Okta says my account is locked after too many MFA push denials. I never got the pushes on my phone.",
            "Please unlock {user}. It's {colleague}'s account, they're sitting next to me and can't get in.",
            "The sign-in page for {sys} shows 'Your account has been locked. Contact your administrator.'",
            "I was on holiday for three weeks and now my account seems locked or disabled.",
            "My account locks again right after you unlock it. The event log on {host} shows failed logons from {ip}.",
            "Locked out of Windows and Outlook at the same time. I didn't change anything.",
            "The authenticator app was reset when I got a new phone and now I'm locked out of everything.",
            "Can someone unlock my account? Username {user}. I'm at the {office} office.",
            "The service account svc_{svc} is locked and the nightly job failed.",
            "I entered the wrong password on my phone and now I can't log in anywhere."],
    details=["I did not change my password recently.", "It happened yesterday as well.",
             "I'm sure I typed the right password.", "Error: {err_auth}.", "My phone still has the old Wi-Fi profile."],
    terse=["account locked", "locked out again", "pls unlock {user}", "cant login, locked"],
    resolutions=["Unlocked account in AD and reset MFA; user confirmed access.",
                 "Unlocked {user}; removed stale credentials from mobile device causing repeated lockouts.",
                 "Identified lockout source {ip} (old mapped drive credentials); cleared and unlocked.",
                 "Re-enabled disabled account after identity verification by phone.",
                 "Reset MFA registration; user re-enrolled authenticator and signed in.",
                 "Unlocked service account svc_{svc}; updated stored password in scheduler."])

C["password_reset"] = dict(
    subjects=["Password reset", "Forgot my password", "Reset password for {sys}", "Password expired",
              "Need a new password", "Can't change my password", "Password reset link not working",
              "Temporary password request", "Reset my {sys} password please",
              "Password doesn't meet complexity requirements?", "SSPR not sending code",
              "Password expiry notification", "Forgotten password - {user}"],
    bodies=["I forgot my password after the long weekend. Can you reset it? My username is {user}.",
            "My password expired and the change password screen gives error {err_auth}.",
            "The self-service password reset portal doesn't send me the SMS code. My mobile number is {phone}.",
            "Please reset my {sys} password, the 'forgot password' link in the email just gives {err_http}.",
            "I tried to change my password but it keeps saying it does not meet the complexity requirements even though it has 16 characters.",
            "I got a notice that my password expires in 2 days. How do I change it while working from home?",
            "Could you send me a temporary password for {sys}? I haven't used it since last year.",
            "The password reset link I received has already expired when I click it.",
            "Need a password reset for {colleague}, the initial password from the welcome letter didn't work.",
            "I changed my Windows password but {sys} still wants the old one.",
            "I typed my password wrong too many times and now I just want to set a new one.",
            "The service desk reset my password yesterday but the temporary one doesn't work.",
            "Can you reset the password for my {sys} admin account? Employee ID {emp}.",
            "I can't remember my password for {sys}, it's a separate login from Windows."],
    details=["I'm working remotely this week.", "I already tried the reset portal.",
             "My phone number on file may be outdated.", "It's a different password from my Windows one.",
             "The error said {err_auth}."],
    terse=["forgot password", "password reset pls", "pwd expired", "need new password for {sys}"],
    resolutions=["Reset password and set change-at-next-logon; user logged in successfully.",
                 "Verified identity via callback to {phone}; issued temporary password.",
                 "Updated mobile number for SSPR; user completed self-service reset.",
                 "Reset {sys} password and synced with directory.",
                 "Explained complexity policy; user set a compliant password.",
                 "Cleared cached credentials after reset; sign-in works on all devices."])

C["hardware"] = dict(
    subjects=["Laptop won't turn on", "{laptop} screen flickering", "Broken keyboard",
              "Docking station not detecting monitors", "Battery drains very fast", "Need a replacement charger",
              "Laptop overheating and fan loud", "Monitor has dead pixels", "Blue screen {bsod}",
              "Mouse not working", "Headset microphone not working", "Request new laptop - {laptop}",
              "Cracked screen on my {laptop}", "Webcam not detected"],
    bodies=["My {laptop} doesn't power on anymore. The charging light blinks orange three times and then nothing.",
            "The screen on my {laptop} flickers when I move the lid. Asset tag {asset}.",
            "Since this morning my docking station ({dock}) doesn't detect my two {monitor} monitors.",
            "The battery goes from 100% to 20% in about an hour. The laptop is only a year old.",
            "I keep getting a blue screen with stop code {bsod} a few times a day, usually when I connect the dock.",
            "The fan on my laptop is extremely loud and the bottom gets very hot, even with only {app} open.",
            "Several keys on my keyboard (E, R and space) stopped working after I spilled some coffee.",
            "I dropped my {laptop} and the screen is cracked. It still works with an external monitor.",
            "My headset microphone isn't picked up in {app}, people can't hear me. I tried another USB port.",
            "The webcam is not detected anymore, Device Manager shows a yellow exclamation mark.",
            "I need a replacement power adapter for my {laptop}. Mine stopped working.",
            "My new {monitor} monitor shows 'no signal' over USB-C but works over HDMI.",
            "The laptop reboots randomly, the event log says Kernel-Power 41. Asset {asset}.",
            "My laptop is five years old and very slow, can I get a new {laptop}?"],
    details=["Asset tag {asset}.", "It's still under warranty I think.", "I tried a different power outlet.",
             "BIOS version is {version}.", "The serial number is {serial}."],
    terse=["laptop dead", "screen broken", "dock not working", "need new charger"],
    resolutions=["Replaced power adapter; laptop charging normally.",
                 "Updated dock firmware and graphics driver; both monitors detected.",
                 "Swapped keyboard under warranty; asset {asset} returned to user.",
                 "Replaced {laptop} screen via vendor repair; user confirmed.",
                 "Issued loaner laptop; original sent for motherboard repair.",
                 "BIOS and chipset update resolved {bsod} crashes."])

C["network"] = dict(
    subjects=["No internet at {office}", "Wi-Fi keeps disconnecting", "Network very slow", "Can't reach {host}",
              "DNS not resolving internal sites", "Network port not working in room {room}", "Packet loss to {ip}",
              "Wi-Fi {ssid} not visible", "Switch down on floor {floor}", "Intermittent connectivity in {dept}",
              "{err_net} on intranet", "Ethernet connected but no network", "Latency to the data center",
              "Firewall rule request for {host}"],
    bodies=["Since about {time} floor {floor} at {office} has no internet. The Wi-Fi is connected but nothing loads.",
            "The Wi-Fi {ssid} keeps dropping every few minutes and I have to reconnect each time.",
            "Browsing internal sites gives {err_net}. External sites work fine.",
            "I can't ping {host} ({ip}) from my desk. It worked yesterday.",
            "The network socket in meeting room {room} doesn't work, the light on the port stays off.",
            "nslookup for {host} returns NXDOMAIN but colleagues can resolve it.",
            "We see about 30% packet loss to {ip} and latency spikes over 800 ms.",
            "The access point near the kitchen at {office} has a red light and the Wi-Fi in that area is gone.",
            "File transfers to {host} are extremely slow, around 1 MB/s, normally we get 100 MB/s.",
            "My laptop gets a 169.254 address on the wired network, DHCP doesn't seem to work.",
            "Please open port {port} from {ip} to {host} for the new monitoring agent.",
            "Video calls in {app} keep freezing and speedtest shows high jitter on the office network.",
            "Switch {switch} on floor {floor} seems down, the desk phones on that floor are dark.",
            "The guest Wi-Fi captive portal at {office} doesn't load for visitors."],
    details=["traceroute stops at {ip}.", "My IP is {ip}.", "It's the same on cable and Wi-Fi.",
             "It comes and goes every few minutes.", "VLAN {vlan} according to the sticker."],
    terse=["no internet", "wifi down", "network slow again", "cant reach {host}"],
    resolutions=["Replaced faulty patch cable and re-patched port; link up.",
                 "Restarted access point and updated firmware; Wi-Fi stable.",
                 "Corrected DNS record for {host}; resolution confirmed.",
                 "Firewall rule for port {port} implemented under change {change}.",
                 "Switch {switch} power supply replaced; floor connectivity restored.",
                 "DHCP scope exhausted; extended scope on VLAN {vlan}."])

C["vpn"] = dict(
    subjects=["VPN not connecting", "{vpnclient} error {err_vpn}", "VPN disconnects every few minutes",
              "Can't access internal sites over VPN", "VPN very slow from home", "VPN certificate expired",
              "Need VPN access", "VPN login fails", "Split tunnel not working", "VPN profile missing after update",
              "Remote access down", "Cannot reach {host} on VPN", "VPN stuck on 'Connecting...'"],
    bodies=["{vpnclient} fails with {err_vpn} when I try to connect from home.",
            "My VPN connection drops every 10 to 15 minutes and I lose my RDP session to {host}.",
            "I'm connected to the VPN but can't open any internal sites, {err_net}.",
            "The VPN is very slow, the intranet takes a minute to load. My home internet is fine.",
            "When I start {vpnclient} it says the certificate has expired. I'm travelling and can't come to the office.",
            "I need VPN access for working from home starting next week. My manager {manager} approved it.",
            "VPN login fails with 'authentication failed' even though my password works for email.",
            "After the {os} update the VPN profile is gone from {vpnclient}.",
            "The VPN client is stuck on 'Connecting...' forever. I'm on hotel Wi-Fi.",
            "When connected to the VPN I can't reach anything on my home network, not even my printer.",
            "From the VPN I can reach {host} by IP ({ip}) but not by name.",
            "{vpnclient} shows 'Gateway {gateway}: The network connection is unreachable'.",
            "The MFA prompt for the VPN never arrives, so I can't connect.",
            "Remote access from the {office} branch is not working since this morning."],
    details=["I'm connecting from home over fibre.", "Gateway {gateway}.", "Client version {version}.",
             "It works on my phone hotspot.", "Error code {err_vpn}."],
    terse=["vpn down", "vpn not connecting", "vpn keeps dropping", "no vpn"],
    resolutions=["Renewed machine certificate; VPN connects.",
                 "Reinstalled {vpnclient} {version} and re-imported profile.",
                 "Added user to VPN access group after approval.",
                 "Gateway {gateway} overloaded; moved users to secondary gateway.",
                 "Fixed split-DNS configuration; internal names resolve over VPN.",
                 "MFA method re-registered; VPN login successful."])

C["software_install"] = dict(
    subjects=["Install {app}", "Software request: {app}", "Need {app} installed", "{app} installation fails",
              "Upgrade {app} to version {version}", "License for {app}", "Install request - Python and VS Code",
              "{app} missing from Software Center", "Installer error {err_win}", "Please push {app} to my laptop",
              "Update {app}", "{app} crashes on startup", "Uninstall old {app}", "Plugin for {app}"],
    bodies=["Could you install {app} on my laptop? I need it for the {dept} project.",
            "The installation of {app} fails with error {err_win} from Software Center.",
            "I need a license for {app}. My manager {manager} approved cost center {cc}.",
            "{app} is not listed in Software Center. Can you make it available to me?",
            "Please upgrade {app} to version {version}, the current one doesn't open the files from our client.",
            "{app} crashes right after the splash screen since the last update.",
            "I need Python 3.12, Git and Visual Studio Code installed on {lhost}.",
            "The installer says I need administrator rights. Can someone install {app} remotely?",
            "Can you remove the old version of {app}? It conflicts with the new one.",
            "I need the {plugin} plugin for {app}, it's blocked by policy.",
            "{app} shows 'license expired' when I open it.",
            "Please deploy {app} to the 12 laptops of the {dept} training room before Monday.",
            "The Teams add-in for Outlook disappeared after Office was reinstalled.",
            "Is {app} approved software? I'd like to use it for {dept} work."],
    details=["Version {version} if possible.", "My laptop is {lhost}.", "Cost center {cc}.",
             "The vendor's download link is in the attachment.", "Error {err_win} in the log."],
    terse=["install {app} pls", "need {app}", "{app} wont install", "update {app}"],
    resolutions=["Deployed {app} via Software Center; user confirmed install.",
                 "Assigned {app} license from pool; activation successful.",
                 "Repaired installation and cleared MSI cache; {app} launches.",
                 "Upgraded {app} to {version} remotely.",
                 "Request declined: {app} not on approved list; alternative suggested.",
                 "Removed conflicting old version; reinstalled {app}."])

C["email"] = dict(
    subjects=["Outlook not syncing", "Can't send emails", "Emails stuck in outbox", "Shared mailbox not showing",
              "Mailbox full", "Not receiving external emails", "Calendar invites not arriving",
              "Outlook keeps asking for password", "Bounce-back {err_mail}", "Distribution list change",
              "Email signature setup", "Out of office not working", "Outlook search broken",
              "Emails going to junk"],
    bodies=["Outlook hasn't synced since yesterday, the status bar says 'Disconnected'.",
            "My emails stay in the outbox and never get sent. Error {err_mail}.",
            "I'm not receiving emails from external senders, e.g. from our client at {extdomain}.",
            "I get a bounce-back '{err_mail}' when sending to {cemail}.",
            "My mailbox is full (49.5 GB of 50 GB) and I can't send anything. Can the quota be increased?",
            "The shared mailbox {mailbox} disappeared from my Outlook after the update.",
            "Outlook keeps asking for my password every few minutes.",
            "Calendar invites from {colleague} don't show up in my calendar, but they show in OWA.",
            "Please add {colleague} to the distribution list {dl}.",
            "Emails from our supplier keep ending up in Junk even though I marked them as not junk.",
            "Outlook search returns no results for anything older than a month.",
            "My automatic replies are on but senders don't get the out of office message.",
            "Attachments over 10 MB are rejected when I send to {extdomain}.",
            "How do I set up the new company email signature on my phone?"],
    details=["Outlook version {version}.", "OWA works fine.", "The sender is {cemail}.",
             "It started after the mailbox migration.", "Bounce code {err_mail}."],
    terse=["outlook not working", "cant send mail", "no emails coming in", "mailbox full"],
    resolutions=["Recreated Outlook profile; mailbox syncing.",
                 "Increased mailbox quota and enabled archive.",
                 "Re-added full access to {mailbox}; automapping restored.",
                 "Allow-listed sender domain {extdomain} in mail filter.",
                 "Updated distribution list {dl} membership.",
                 "Rebuilt search index; results return normally."])

C["printer"] = dict(
    subjects=["Printer not printing", "{printer} paper jam", "Can't add printer", "Print jobs stuck in queue",
              "Printer offline on floor {floor}", "Scan to email not working", "Toner low on {printer}",
              "Printing garbled characters", "Follow-me print badge not working", "Color printing not available",
              "New printer setup at {office}", "Driver for {printer}", "Printer shows error {err_print}"],
    bodies=["The {printer} on floor {floor} shows 'offline' on my laptop.",
            "My print jobs are stuck in the queue with status 'Error - Printing'.",
            "The printer at {office} has a paper jam in tray 2 that we can't clear.",
            "Scan to email on the {printer} stopped working, it says {err_print}.",
            "I can't add the printer {printq}, Windows says the driver is not available.",
            "When I print PDFs from {app} I only get pages of random characters.",
            "My badge doesn't release jobs at the follow-me printer anymore.",
            "Toner is empty on the {printer} near room {room}, could you send a replacement?",
            "Color printing is greyed out in the print dialog for me.",
            "The printer prints every page twice, even when I select one copy.",
            "We need the new {printer} in room {room} set up and added to the print server {host}.",
            "The {printer} has error {err_print} on its display and won't print.",
            "Printing from my Mac fails with 'filter failed'.",
            "Double-sided printing doesn't work on {printq} any more."],
    details=["Queue name {printq}.", "The display says {err_print}.", "I restarted the printer already.",
             "It's the big one next to the kitchen.", "Other printers work."],
    terse=["printer not working", "paper jam again", "cant print", "printer offline"],
    resolutions=["Cleared paper jam and replaced pickup roller.",
                 "Reinstalled driver for {printer}; print queue working.",
                 "Restarted print spooler on {host}; stuck jobs cleared.",
                 "Replaced toner cartridge on {printer}.",
                 "Re-registered badge in follow-me print system.",
                 "Added {printq} via print server; test page OK."])

C["security_incident"] = dict(
    subjects=["Suspicious email received", "Possible phishing", "I clicked a link in a phishing email",
              "Malware alert on my laptop", "Lost laptop", "Stolen phone", "Unusual login alert",
              "Ransomware message on screen", "Data sent to wrong recipient", "Suspicious USB stick found",
              "Defender alert: {malware}", "Someone called asking for my password", "Account compromised?",
              "Unknown MFA prompts"],
    bodies=["I received an email claiming to be from {bank} asking me to confirm my credentials. I didn't click anything.",
            "I clicked on a link in an email that looked like a DocuSign notification and entered my password. I realised afterwards it was fake.",
            "Defender shows '{malware}' detected in my Downloads folder on {lhost}.",
            "My laptop ({laptop}, asset {asset}) was stolen from my car last night. It had client files on it.",
            "I got an alert about a sign-in to my account from {country} that wasn't me.",
            "A window popped up saying my files are encrypted and I have to pay in bitcoin. I unplugged the network cable.",
            "I accidentally sent a spreadsheet with customer data, including card numbers like {card}, to an external address.",
            "Someone called pretending to be from IT and asked for my password and MFA code. I hung up.",
            "I keep getting MFA push requests I didn't initiate, about 20 in the last hour.",
            "We found a USB stick in the car park labelled 'Salaries 2024'. Nobody plugged it in.",
            "Our EDR flagged PowerShell running an encoded command on {host}.",
            "There are forwarding rules in my mailbox sending mail to an address I don't know.",
            "An unknown device was added to my account's authenticator list.",
            "I left my company phone in a taxi, it has email and Teams on it."],
    details=["The sender was {extemail}.", "I have not entered any password.", "Time was around {time}.",
             "The link went to {badurl}.", "I have kept the laptop switched off."],
    terse=["phishing?", "clicked bad link", "laptop stolen", "virus alert"],
    resolutions=["Reported phishing purged from all mailboxes; sender domain blocked.",
                 "Reset credentials, revoked sessions and re-registered MFA; no further activity.",
                 "Isolated {lhost} via EDR, reimaged; no lateral movement found.",
                 "Device remotely wiped; incident logged with data protection officer.",
                 "Removed malicious inbox rule; mailbox audit reviewed.",
                 "Investigated sign-in from {country}; confirmed credential stuffing, blocked source."])

C["cloud_alert"] = dict(
    subjects=["[ALERT] {cloud} {metric} high on {cluster}", "CloudWatch alarm: {alarm}",
              "Azure Monitor alert - {azres}", "Pods crashlooping in {ns}", "EC2 instance {instance} status check failed",
              "S3 bucket {bucket} access errors", "Certificate expiring on {url}", "Auto scaling not working",
              "Cost anomaly detected", "Node NotReady in {cluster}", "Lambda errors spiked",
              "RDS CPU at {pct}%", "Load balancer returning {err_http}", "Disk full on {instance}"],
    bodies=["CloudWatch alarm {alarm} went into ALARM state at {time}: {metric} above {pct}% for 15 minutes on {instance}.",
            "Pods in namespace {ns} on the {cluster} EKS cluster are in CrashLoopBackOff since the last deploy.",
            "Azure Monitor reports the VM {azres} is unavailable, heartbeat missing for 10 minutes.",
            "The ALB in front of {url} returns {err_http} for about half the requests.",
            "EC2 instance {instance} in {region} failed its system status check.",
            "Cost anomaly: spend on {cloud} in account {awsacct} is 4x higher than the daily average.",
            "Node ip-{ipdash}.{region}.compute.internal is NotReady and pods are being evicted.",
            "The TLS certificate for {url} expires in 5 days and auto-renewal failed.",
            "Lambda function {lambda} error rate jumped to {pct}% after the last deployment.",
            "Autoscaling group {asg} is not scaling out even though CPU is at {pct}%.",
            "GuardDuty finding: unusual API calls from {extip} in account {awsacct}.",
            "The {cloud} backup job failed overnight with AccessDenied on bucket {bucket}.",
            "Datadog monitor '{metric} on {cluster}' triggered, p99 latency is over 2 seconds.",
            "Grafana shows the {cluster} cluster at {pct}% memory and the OOM killer is active."],
    details=["Region {region}.", "Runbook link: {kb}.", "Started at {time} UTC.", "Account {awsacct}.",
             "Dashboard: https://grafana.corp.example.com/d/{svc}"],
    terse=["{alarm} firing", "pods crashlooping in {ns}", "{cloud} alert", "ALB {err_http}"],
    resolutions=["Rolled back deployment in {ns}; pods healthy.",
                 "Stopped and started {instance} to move to new host; status checks passing.",
                 "Scaled node group and adjusted HPA limits on {cluster}.",
                 "Renewed certificate for {url} and fixed ACM DNS validation.",
                 "Fixed IAM policy for backup role on {bucket}.",
                 "Alarm threshold tuned; false positive confirmed with service owner."])

C["hr_onboarding"] = dict(
    subjects=["New starter: {newhire}", "Onboarding - {newhire} starting {startdate}", "Leaver: {colleague}",
              "Equipment for new hire", "Offboarding request", "New employee accounts", "Intern starting Monday",
              "Role change - update access", "Contractor onboarding {newhire}", "Name change in systems",
              "Return from leave - reactivate account", "Setup for new team member in {dept}",
              "Last day for {colleague}"],
    bodies=["{newhire} joins {dept} on {startdate} as {jobtitle}. Please create the accounts, a {laptop} and a phone. Employee ID {emp}.",
            "Please prepare the usual onboarding kit for our new hire {newhire}, starting {startdate} at {office}.",
            "{colleague} is leaving the company on {date}. Please disable the accounts and collect the laptop.",
            "We have an intern starting next Monday in {dept}. They need a laptop, email and access to {sys}.",
            "{colleague} moves from {dept} to {dept2} on {date}, please update the groups and mailbox access.",
            "Our new contractor {newhire} ({nemail}) needs an account until the end of the project.",
            "{colleague} got married and the last name changed, please update the email address and display name.",
            "{colleague} is coming back from parental leave on {date}. Please re-enable the account and laptop.",
            "Offboarding for {colleague}: forward emails to {manager} for 30 days and transfer the OneDrive files.",
            "HR ticket: new employee {newhire}, cost center {cc}, manager {manager}, start date {startdate}.",
            "Please set up payroll portal access for {newhire}. Bank details for the salary: {iban}.",
            "We're onboarding 5 new people in {dept} on {startdate}, list attached. Same setup as the last batch.",
            "Can you make sure {newhire}'s accounts are ready before the first day? The manager is {manager}.",
            "Please order a desk phone and badge for {newhire}, who starts on {startdate}."],
    details=["Employee ID {emp}.", "Manager: {manager}.", "Cost center {cc}.", "Same setup as {colleague}.",
             "HR case {ticket_ref}."],
    terse=["new starter {newhire} on {startdate}", "leaver {colleague}", "onboarding {newhire}"],
    resolutions=["Created accounts for {newhire}, assigned licenses and groups; laptop imaged and shipped.",
                 "Disabled accounts, converted mailbox to shared, laptop collected.",
                 "Updated display name and primary SMTP address; old address kept as alias.",
                 "Re-enabled account and laptop after leave; user signed in.",
                 "Moved user to {dept2} groups; removed old access per role matrix.",
                 "Onboarding kit prepared and handed over on {startdate}."])

C["storage"] = dict(
    subjects=["Shared drive full", "Can't access {share}", "OneDrive not syncing", "Restore deleted files",
              "Disk space low on C:", "Quota increase request", "File share very slow", "Mapped drive {drive}: missing",
              "SharePoint sync errors", "Lost files after sync", "NAS {host} unreachable", "Need more space on {share}",
              "Backup restore request"],
    bodies=["The shared drive {share} is full and nobody in {dept} can save files.",
            "OneDrive shows sync errors on about 300 files and some folders are missing.",
            "I accidentally deleted the folder {folder} on {share} yesterday. Can you restore it from backup?",
            "My C: drive has only 500 MB free and the laptop is getting very slow.",
            "Please increase the quota on {share} from {size} GB to {size2} GB.",
            "Opening files on {share} takes over a minute, saving is even slower.",
            "My mapped drive {drive}: disappeared after the reboot.",
            "The SharePoint library for {dept} won't sync, it says 'file locked by another user'.",
            "I lost changes to {file} after OneDrive synced an older version. Can we get the version from Tuesday?",
            "The NAS {host} is not reachable and the volume /vol/{vol} is read-only.",
            "I need {file} restored from last Friday's backup, it got corrupted.",
            "The SAN volume {vol} on {host} is at {pct}% capacity, please extend it.",
            "I get 'Access denied' on {share} since this morning, I had access before.",
            "Snapshots on {share} stopped, the last one is from {day}."],
    details=["Path: {share}\\{folder}.", "Size is about {size} GB.", "File name {file}.",
             "It was there on {day}.", "Quota is at {pct}%."],
    terse=["drive full", "restore {file} pls", "onedrive not syncing", "{drive}: drive missing"],
    resolutions=["Restored {folder} from snapshot; user verified files.",
                 "Extended volume {vol} by {size} GB.",
                 "Increased quota on {share}; archived old data with owner's approval.",
                 "Reset OneDrive client and resynced library.",
                 "Re-mapped {drive}: via group policy update.",
                 "Cleaned temp files and moved user data to OneDrive; 40 GB freed."])

C["database"] = dict(
    subjects=["Database connection errors", "{dbengine} timeout on {db}", "Slow query in {db}", "Need DB restore",
              "Deadlocks in {db}", "{err_db} when connecting", "Tablespace full on {db}", "Replication lag on {host}",
              "Request read access to {db}", "Schema change request", "Backup failed for {db}",
              "DB server CPU at 100%", "Report queries extremely slow"],
    bodies=["The application can't connect to {db} on {host}, error {err_db}.",
            "Queries against {db} that normally take 2 seconds now take over a minute.",
            "We need a point-in-time restore of {db} to {time} yesterday, a bad script deleted rows.",
            "We see many deadlocks in {db} since the release, the logs show transaction rollbacks.",
            "Tablespace USERS on {db} is at {pct}%, inserts are starting to fail.",
            "Replication lag between {host} and the replica is over 20 minutes.",
            "Please apply the attached schema change to {db} in staging, then production next week.",
            "The nightly backup job for {db} failed with {err_db}.",
            "CPU on the {dbengine} server {host} is pinned at 100% since {time}.",
            "The {app} reports that read from {db} time out after 30 seconds.",
            "I need read-only access to the {db} database for analysis, approved by {manager}.",
            "The connection pool for {db} is exhausted, 'too many connections' errors.",
            "Can you check index fragmentation on {db}? The month-end reports are crawling.",
            "The {dbengine} instance {host} needs a minor version upgrade to {version}."],
    details=["Engine: {dbengine}.", "Host {host}, port {port}.", "Error {err_db}.",
             "The slow query is the monthly revenue report.", "It started after the {day} release."],
    terse=["db down", "{err_db}", "{db} slow", "restore {db} pls"],
    resolutions=["Killed blocking session and added missing index on {db}.",
                 "Point-in-time restore of {db} to staging; rows recovered by app team.",
                 "Extended tablespace and enabled autoextend.",
                 "Restarted replication; lag back under 5 seconds.",
                 "Raised max connections and fixed pool leak with app owner.",
                 "Schema change applied under change {change}."])

C["out_of_scope"] = dict(
    subjects=["Lunch order Friday", "Thanks!", "RE: your ticket", "You have won a $500 gift card",
              "Question about parking", "Coffee machine broken", "Can you recommend a laptop for my kid?",
              "Football pool", "Unsubscribe", "Summer party", "Meeting room booking", "Lost my jacket",
              "Exclusive offer for your business", "Is the cafeteria open?"],
    bodies=["Hi all, who wants pizza on Friday? Reply with your order by Thursday noon.",
            "Thanks, all working now!",
            "Thank you so much for the quick help yesterday, have a great weekend.",
            "Congratulations! You have been selected to receive a $500 gift card. Click here to claim it before it expires.",
            "Does anyone know if we can park in the visitor spots after 6pm?",
            "The coffee machine on floor {floor} is broken again.",
            "Sorry for the personal question, which laptop would you recommend for my son for school?",
            "Reminder: the football pool closes on Friday, 10 euro per person.",
            "Please remove me from this mailing list.",
            "Who is organizing the summer party this year? I'd like to help.",
            "Can you book meeting room {room} for me on Tuesday?",
            "I left my black jacket in room {room}, has anyone seen it?",
            "We help IT teams like yours cut costs by 40%. Can I get 15 minutes on your calendar?",
            "My personal Netflix account isn't working on my TV at home, can you help?",
            "Can you reimburse the team lunch? I paid with card {card}."],
    details=[], terse=["thanks!", "ok thx", "great, thank you", "lunch?"],
    resolutions=["No action required; closed as out of scope.",
                 "Not an IT request; redirected to facilities.",
                 "Spam; reported and closed.", "Acknowledgement only; closed."])

# Tickets genuinely between two categories; the label is drawn from the pair.
AMBIGUOUS = [
    (("vpn", "account_lockout"), [
        ("VPN login fails, account locked?", "After a few failed logins in {vpnclient} my account seems locked and now I can't log in to Windows either."),
        ("Can't connect VPN - locked", "The VPN says authentication failed and the portal says my account is locked.")]),
    (("printer", "network"), [
        ("Printer unreachable", "Nobody can reach the {printer} at {ip}, ping times out and the port light is off."),
        ("Printing fails on floor {floor}", "Print jobs to {printq} time out; the printer got a new IP {ip} after the switch was replaced.")]),
    (("email", "security_incident"), [
        ("Strange email from {cemail}", "I got an email from {cemail} with an invoice attachment I didn't expect, and now Outlook behaves oddly."),
        ("Outlook rule I didn't create", "Some of my emails are moved to RSS Feeds by a rule I never created.")]),
    (("access_request", "hr_onboarding"), [
        ("Access for new team member", "{newhire} started today in {dept} and still needs access to {sys} and {share}."),
        ("Permissions for {newhire}", "Please give {newhire} (new hire, started {startdate}) the same access as {colleague}.")]),
    (("storage", "database"), [
        ("Disk full on DB server", "The data volume on {host} where {db} lives is at {pct}% and the database refuses writes."),
        ("Backup volume full", "Backups of {db} fail because the backup share {share} is full.")]),
    (("cloud_alert", "database"), [
        ("RDS storage alarm", "CloudWatch alarm for the RDS instance {db}: FreeStorageSpace below 5%, connections timing out."),
        ("Azure SQL DTU alert", "Azure Monitor fires for {db}: DTU at {pct}% and queries time out.")]),
    (("network", "vpn"), [
        ("Can't reach internal apps from home", "From home I can't reach {host}; colleagues in the office can't reach it either since {time}."),
        ("Remote site connectivity", "The site-to-site tunnel to {office} keeps dropping and users there lose access.")]),
    (("password_reset", "account_lockout"), [
        ("Locked out and forgot password", "I forgot my password and after a few tries the account is locked. Can you reset it?"),
        ("Password + unlock", "Please unlock my account and send a new password, username {user}.")]),
    (("software_install", "access_request"), [
        ("Need admin rights to install {app}", "I need to install {app} for a project but I don't have admin rights. Can I get them or can you install it?"),
        ("License and access for {app}", "I need {app} installed and access to the {app} team workspace.")]),
    (("hardware", "printer"), [
        ("USB label printer not detected", "My laptop doesn't detect the USB label printer, the port seems loose."),
        ("Printer and dock", "Since I got the new dock my USB printer isn't found.")]),
    (("email", "account_lockout"), [
        ("Outlook keeps asking for password, now locked", "Outlook asked for my password all morning and now my account is locked."),
        ("Phone mail locked me out", "My phone's mail app keeps trying the old password and locks my account.")]),
    (("cloud_alert", "security_incident"), [
        ("GuardDuty high severity finding", "GuardDuty reports crypto-mining activity from {instance} in {region}."),
        ("S3 bucket public", "AWS Config flags bucket {bucket} as publicly readable, it holds customer exports.")]),
    (("storage", "cloud_alert"), [
        ("EBS volume almost full", "The EBS volume on {instance} is at {pct}%, the alarm fired at {time}."),
        ("S3 replication failing", "Replication for bucket {bucket} to {region} is failing since {time}.")]),
    (("hardware", "network"), [
        ("Ethernet not working on dock", "My laptop has no wired network through the dock, Wi-Fi works."),
        ("Network adapter missing", "The network adapter disappeared from Device Manager on my {laptop}.")]),
    (("vpn", "software_install"), [
        ("Install VPN client on new laptop", "My new laptop doesn't have {vpnclient} installed, so I can't connect from home."),
        ("Update {vpnclient}", "{vpnclient} asks for an update but the installer fails with {err_win}.")]),
]

# Slot value lists.
FIRST_NAMES = [
    "Maria", "James", "Aisha", "Wei", "Carlos", "Sofia", "Liam", "Priya", "Kenji", "Fatima", "Olga", "Mateo",
    "Chloé", "Ahmed", "Hannah", "Rajesh", "Yuki", "Emeka", "Ingrid", "Diego", "Zoë", "Mohammed", "Ana",
    "Lukas", "Mei", "Samuel", "Amara", "Jonas", "Isabella", "Tomasz", "Leila", "Noah", "Camille", "Arjun",
    "Sakura", "Kwame", "Elena", "Hiroshi", "Nadia", "Felix", "Chen", "Lucía", "Omar", "Emma", "Vikram",
    "Astrid", "Thabo", "Giulia", "Daniel", "Ngozi", "Sven", "Mariam", "Pedro", "Yasmin", "Oliver", "Linh",
    "Mikhail", "Chiara", "Tariq", "Freya", "Jorge", "Anjali", "Björn", "Keiko", "Adebayo", "Sara", "Ethan",
    "Leonie", "Rohan", "Ayumi", "Marco", "Zainab", "Patrick", "Ewa", "Juan", "Ines", "Dmitri", "Grace",
    "Hamza", "Nora", "Andrés", "Minh", "Ruth", "Kofi", "Julia", "Sanjay", "Eva", "Jakub", "Amir", "Clara",
    "Benjamin", "Aylin", "Mateus", "Siobhan", "Yusuf", "Marta", "Ravi", "Helena", "Takeshi", "Laura",
    "Łukasz", "Seo-yeon",
]
LAST_NAMES = [
    "Schmidt", "Smith", "Khan", "Zhang", "García", "Rossi", "O'Brien", "Patel", "Tanaka", "Hassan", "Ivanova",
    "Fernández", "Dubois", "Ali", "Müller", "Sharma", "Suzuki", "Okafor", "Johansson", "López", "Williams",
    "Abdullah", "Silva", "Weber", "Wang", "Mensah", "Fischer", "Martínez", "Kowalski", "Rahimi", "Brown",
    "Moreau", "Gupta", "Sato", "Boateng", "Popescu", "Yamamoto", "Haddad", "Becker", "Li", "Torres",
    "Nguyen", "Jones", "Reddy", "Lindqvist", "Dlamini", "Bianchi", "Cohen", "Eze", "Andersen", "Mahmoud",
    "Santos", "Karimi", "Taylor", "Tran", "Petrov", "Ricci", "Qureshi", "Larsen", "Ortiz", "Iyer", "Nilsson",
    "Nakamura", "Adeyemi", "Novak", "Wilson", "Wagner", "Mehta", "Kato", "Romano", "Osei", "Murphy", "Nowak",
    "Sánchez", "Costa", "Volkov", "Kim", "Evans", "Kumar", "Hoffmann", "Lee", "Yilmaz", "Pereira", "Walsh",
    "Rao", "Schneider", "Kaur", "Ito", "Díaz", "Jansen", "Chowdhury", "Baker", "Park", "Horvath", "Singh",
    "Meyer", "Oyelaran", "Dąbrowski", "Van der Berg", "Nakashima", "Acheampong",
]
DEPTS = ["Finance", "HR", "Sales", "Marketing", "Legal", "Engineering", "Customer Support", "Procurement",
         "Logistics", "R&D", "Facilities", "Controlling", "Product", "Data Science"]
JOBTITLES = ["Accountant", "Sales Manager", "Software Engineer", "HR Business Partner", "Paralegal",
             "Data Analyst", "Team Lead", "Project Manager", "Buyer", "Support Specialist", "Controller",
             "Marketing Coordinator", "Product Owner", "Working Student"]
OFFICES = ["Berlin HQ", "London Canary Wharf", "New York", "Munich", "Austin", "Singapore", "Toronto",
           "Paris La Défense", "Madrid", "Bangalore", "São Paulo", "Warsaw", "Dublin", "Zürich"]
APPS = ["SAP GUI", "Salesforce", "Workday", "Jira", "Confluence", "Slack", "Zoom", "Microsoft Teams", "Excel",
        "Adobe Acrobat Pro", "Tableau", "Power BI", "AutoCAD", "Visual Studio Code", "Citrix Workspace",
        "DocuSign", "Notepad++", "7-Zip", "MATLAB", "SPSS", "Figma", "Docker Desktop", "IntelliJ IDEA",
        "Snagit", "Wireshark", "DBeaver", "Miro", "Camtasia"]
SYSTEMS = ["SAP FI", "Salesforce", "Workday", "the Finance SharePoint site", "Jira", "Confluence",
           "the GitHub org", "Power BI workspace 'Sales KPIs'", "the HR portal", "ServiceNow", "Tableau Server",
           "the CRM", "Snowflake", "the payroll system", "Concur", "the Azure subscription 'prod-weu'"]
ROLES = ["read-only", "editor", "approver", "admin", "contributor", "viewer", "power user", "ReadOnlyAccess",
         "DeveloperAccess"]
PRINTERS = ["HP LaserJet M507", "Canon imageRUNNER ADVANCE C5535i", "Xerox VersaLink C405",
            "Brother HL-L6200DW", "Ricoh IM C3000", "Kyocera TASKalfa 3253ci", "Lexmark MX622",
            "HP Color LaserJet MFP M480", "Konica Minolta bizhub C300i"]
LAPTOPS = ["Dell Latitude 7440", "Lenovo ThinkPad T14 Gen 4", "HP EliteBook 840 G10", "MacBook Pro 14 M3",
           "Surface Laptop 5", "Dell XPS 13", "Lenovo ThinkPad X1 Carbon", "HP ZBook Firefly 14"]
MONITORS = ["Dell U2723QE", "LG 27UP850", "HP E24 G5", "Samsung S27A800", "Lenovo ThinkVision T27h"]
DOCKS = ["Dell WD19TB", "Lenovo ThinkPad USB-C Dock Gen 2", "HP Thunderbolt Dock G4", "CalDigit TS4"]
CLOUDS = ["EKS", "S3", "EC2", "RDS", "Lambda", "Azure VM", "AKS", "Azure SQL", "GKE", "Cloud SQL", "CloudFront"]
REGIONS = ["eu-central-1", "eu-west-1", "us-east-1", "us-west-2", "ap-southeast-1", "westeurope", "northeurope"]
METRICS = ["CPUUtilization", "MemoryUtilization", "5xx error rate", "p99 latency", "disk usage", "queue depth",
           "FreeStorageSpace", "ReplicaLag"]
VPNCLIENTS = ["GlobalProtect", "Cisco AnyConnect", "FortiClient", "OpenVPN Connect", "Pulse Secure",
              "WireGuard"]
OSES = ["Windows 11 23H2", "Windows 10 22H2", "macOS Sonoma 14.4", "Ubuntu 22.04", "macOS Ventura"]
DB_ENGINES = ["PostgreSQL", "SQL Server", "Oracle", "MySQL", "MariaDB"]
DB_NAMES = ["erp_prod", "crm_reporting", "billing", "hr_core", "dwh_sales", "inventory", "orders_db",
            "FINANCE_PRD", "analytics", "customer_master"]
SSIDS = ["CORP-WIFI", "CORP-5G", "Guest", "eduroam", "CORP-IOT"]
COUNTRIES = ["Russia", "Brazil", "Nigeria", "Vietnam", "Romania", "North Korea", "an unknown country",
             "the Netherlands"]
MALWARE = ["Trojan:Win32/Wacatac.B!ml", "HackTool:Win32/Mimikatz", "Ransom:Win32/LockBit",
           "PUA:Win32/Presenoker", "Trojan:JS/Phish.A"]
BANKS = ["Microsoft 365", "DHL", "our bank", "PayPal", "the IT department", "DocuSign", "HR payroll"]
BSODS = ["IRQL_NOT_LESS_OR_EQUAL", "DRIVER_POWER_STATE_FAILURE", "CRITICAL_PROCESS_DIED",
         "KERNEL_SECURITY_CHECK_FAILURE", "0x0000009F", "WHEA_UNCORRECTABLE_ERROR"]
PLUGINS = ["Zotero", "Grammarly", "draw.io", "Salesforce for Outlook", "Python", "GitLens", "Power Query"]
ERR_NET = ["ERR_CONNECTION_RESET", "ERR_NAME_NOT_RESOLVED", "ERR_CONNECTION_TIMED_OUT",
           "DNS_PROBE_FINISHED_NXDOMAIN", "ERR_NETWORK_CHANGED", "ERR_ADDRESS_UNREACHABLE"]
ERR_VPN = ["error 809", "error 691", "error 720", "error 0x80072746", "'Gateway unreachable'",
           "'The VPN connection was terminated by the server'", "SSL handshake failed"]
ERR_WIN = ["0x80070005", "0x80070643", "0x80004005", "0x87D00324", "1603", "0x80070002", "0x8007000D"]
ERR_MAIL = ["550 5.1.1 User unknown", "554 5.7.1 Message rejected", "0x800CCC0E", "0x8004010F",
            "452 4.3.1 Insufficient system resources", "5.4.1 Recipient address rejected"]
ERR_AUTH = ["HTTP 401", "HTTP 403", "AADSTS50126", "AADSTS50053", "0x80070005", "Error 1326",
            "AADSTS50055"]
ERR_HTTP = ["HTTP 503", "HTTP 502", "HTTP 500", "HTTP 504", "HTTP 404"]
ERR_DB = ["ORA-12541", "ORA-01017", "SQLSTATE 08006", "SQLSTATE 57014", "Error 1205", "ORA-01653",
          "FATAL: too many connections", "Error 18456"]
ERR_PRINT = ["49.4C02", "13.B2.D2", "SMTP authentication failed", "Tray 2 open", "E-302", "Scan failed: 0x80"]
