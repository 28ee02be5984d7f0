# === Part 1: plan, approval, notice, unit reports, reminders (owner: helper R1) ===


# === Part 2: consolidated report, minutes, signature, distribution, follow-up (owner: helper R2) ===
