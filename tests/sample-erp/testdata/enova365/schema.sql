-- enova365 test schema (research erp-schemas.md §5): only the columns the profile reads plus
-- their neighbours. dbo tables, unqualified names. AdresKodPocztowy is an integer as in enova.
CREATE TABLE Kontrahenci (
  ID                      INT           NOT NULL PRIMARY KEY,
  Kod                     VARCHAR(40)   NOT NULL,
  Nazwa                   NVARCHAR(255) NOT NULL DEFAULT '',
  NIP                     VARCHAR(20)   NOT NULL DEFAULT '',
  PESEL                   VARCHAR(11)   NOT NULL DEFAULT '',
  KontaktEMAIL            VARCHAR(255)  NOT NULL DEFAULT '',
  KontaktTelefonKomorkowy VARCHAR(40)   NOT NULL DEFAULT '',
  StatusPodmiotu          INT           NOT NULL DEFAULT 0,
  NieWindykowac           BIT           NOT NULL DEFAULT 0,
  Blokada                 BIT           NOT NULL DEFAULT 0
);
CREATE TABLE Adresy (
  ID                INT          NOT NULL PRIMARY KEY,
  Host              INT          NOT NULL,
  HostType          VARCHAR(40)  NOT NULL,
  Typ               INT          NOT NULL,
  AdresUlica        VARCHAR(80)  NOT NULL DEFAULT '',
  AdresNrDomu       VARCHAR(20)  NOT NULL DEFAULT '',
  AdresNrLokalu     VARCHAR(20)  NOT NULL DEFAULT '',
  AdresMiejscowosc  VARCHAR(80)  NOT NULL DEFAULT '',
  AdresKodPocztowy  INT          NOT NULL DEFAULT 0
);
CREATE TABLE Platnosci (
  ID              INT           NOT NULL PRIMARY KEY,
  Dokument        INT           NOT NULL DEFAULT 0,
  DokumentType    VARCHAR(40)   NOT NULL DEFAULT 'DokHandlowe',
  Podmiot         INT           NOT NULL,
  NumerDokumentu  VARCHAR(60)   NOT NULL DEFAULT '',
  DataDokumentu   DATETIME      NULL,
  Termin          DATETIME      NULL,
  Bufor           BIT           NOT NULL DEFAULT 0,
  NieWindykowac   BIT           NOT NULL DEFAULT 0
);
CREATE TABLE RozrachunkiIdx (
  ID                    INT            NOT NULL PRIMARY KEY,
  Typ                   INT            NOT NULL,
  Dokument              INT            NOT NULL,
  DokumentType          VARCHAR(40)    NOT NULL,
  Podmiot               INT            NOT NULL,
  PodmiotType           VARCHAR(40)    NOT NULL,
  Numer                 VARCHAR(60)    NOT NULL DEFAULT '',
  Data                  DATETIME       NULL,
  Termin                DATETIME       NULL,
  KwotaValue            DECIMAL(19,2)  NOT NULL,
  KwotaSymbol           VARCHAR(3)     NOT NULL DEFAULT 'PLN',
  KwotaRozliczonaValue  DECIMAL(19,2)  NOT NULL DEFAULT 0
);
