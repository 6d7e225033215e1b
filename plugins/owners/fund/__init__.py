"""The maintenance fund (住宅专项维修资金): the account of a compound, the ledger per exclusive
unit (分户账), use and raising proposals with their cost shares (使用方案 / 列支范围) and their
vote, the emergency path (应急使用), disbursements, reversals and statements (对账单)."""
