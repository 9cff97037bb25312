"""The views of campaigns, by sub-domain (campaigns/urls.py names each one):

public     the campaign list, a campaign, its map data and export, a commune in a campaign
campaigns  creating and editing a campaign, taking a commune on
targets    managing a commune in a campaign: lists, log, invitations, result, history
letters    the letter kit: the letter and its bulletins (page, PDF), its paragraph and contact,
           the kit emailed with its signature links
working    the guided working page of the group (lists → letter → signature → result)
bulletins  paper bulletins, deliberations, withdrawals, a bulletin's PDF and scan
signature  signing and withdrawing without an account (single-use links)
imports    the spreadsheet import
common     what they share: the campaign or commune from the URL, the managers' check
"""
